package spec

import (
	"reflect"
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestLimits(t *testing.T) {
	in := testInput(t)
	adj := 300
	in.Limits = Limits{Memory: 256 << 20, MemorySwap: 512 << 20, MemoryReservation: 128 << 20,
		CPUQuota: 150000, CPUPeriod: 100000, CPUShares: 512, CpusetCPUs: "0", CpusetMems: "0",
		Ulimits: []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 100, Hard: 200}, {Type: "RLIMIT_CORE", Soft: 0, Hard: 0}},
		Sysctl:  map[string]string{"net.ipv4.ip_forward": "1", "kernel.msgmax": "4096"}, ShmSize: 128 << 20, OOMScoreAdj: &adj}
	in.PidsLimit = 100
	s := mustGenerate(t, in)
	r := s.Linux.Resources
	wantMem := specs.LinuxMemory{Limit: ptr[int64](256 << 20), Swap: ptr[int64](512 << 20), Reservation: ptr[int64](128 << 20)}
	if r.Memory == nil || !reflect.DeepEqual(*r.Memory, wantMem) {
		t.Errorf("memory = %+v, want %+v", r.Memory, wantMem)
	}
	wantCPU := specs.LinuxCPU{Shares: ptr[uint64](512), Quota: ptr[int64](150000), Period: ptr[uint64](100000), Cpus: "0", Mems: "0"}
	if r.CPU == nil || !reflect.DeepEqual(*r.CPU, wantCPU) {
		t.Errorf("cpu = %+v, want %+v", r.CPU, wantCPU)
	}
	if r.Pids == nil || *r.Pids.Limit != 100 {
		t.Errorf("pids = %+v, want 100", r.Pids)
	}
	wantRl := []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 100, Hard: 200}, {Type: "RLIMIT_NPROC", Soft: 8192, Hard: 8192},
		{Type: "RLIMIT_CORE", Soft: 0, Hard: 0}}
	if !slices.Equal(s.Process.Rlimits, wantRl) {
		t.Errorf("rlimits = %v, want %v (the given ones in place of the defaults)", s.Process.Rlimits, wantRl)
	}
	if !reflect.DeepEqual(s.Linux.Sysctl, in.Limits.Sysctl) {
		t.Errorf("sysctl = %v", s.Linux.Sysctl)
	}
	if s.Process.OOMScoreAdj == nil || *s.Process.OOMScoreAdj != 300 {
		t.Errorf("oomScoreAdj = %v, want 300", s.Process.OOMScoreAdj)
	}
	shm, _ := findMount(s, "/dev/shm")
	if !slices.Contains(shm.Options, "size=131072k") || slices.Contains(shm.Options, "size=65536k") {
		t.Errorf("/dev/shm options = %v, want size=131072k alone", shm.Options)
	}
}

func TestLimitsNone(t *testing.T) {
	s := mustGenerate(t, testInput(t))
	if r := s.Linux.Resources; r.Memory != nil || r.CPU != nil || s.Linux.Sysctl != nil || s.Process.OOMScoreAdj != nil {
		t.Errorf("no limits gave memory %v, cpu %v, sysctl %v, oom %v", r.Memory, r.CPU, s.Linux.Sysctl, s.Process.OOMScoreAdj)
	}
	if shm, _ := findMount(s, "/dev/shm"); !slices.Contains(shm.Options, "size=65536k") {
		t.Errorf("/dev/shm options = %v, want Podman's 64 MiB", shm.Options)
	}
}

func TestLimitsUlimitClampedAndChecked(t *testing.T) {
	in := testInput(t)
	in.Limits.Ulimits = []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 1 << 40, Hard: 1 << 40}}
	s := mustGenerate(t, in)
	if s.Process.Rlimits[0] != (specs.POSIXRlimit{Type: "RLIMIT_NOFILE", Soft: 20000, Hard: 20000}) {
		t.Errorf("rlimits = %v, want nofile clamped to the caller's 20000", s.Process.Rlimits)
	}
	in.Limits.Ulimits = []specs.POSIXRlimit{{Type: "RLIMIT_BOGUS", Soft: 1, Hard: 1}}
	if _, err := generate(in, testHost()); !errdefs.IsInvalidArgument(err) {
		t.Errorf("unknown rlimit: err = %v, want an invalid argument", err)
	}
}

func TestSysctlNamespaces(t *testing.T) {
	hostNet := []specs.LinuxNamespace{{Type: specs.PIDNamespace}, {Type: specs.MountNamespace}, {Type: specs.IPCNamespace}}
	for name, ok := range map[string]bool{"kernel.msgmax": true, "fs.mqueue.queues_max": true, "net.ipv4.ip_forward": false,
		"kernel.hostname": false, "vm.swappiness": false, "kernel.pid_max": false} {
		in := testInput(t)
		in.Namespaces = hostNet
		in.Limits.Sysctl = map[string]string{name: "1"}
		_, err := generate(in, testHost())
		if ok != (err == nil) || err != nil && !errdefs.IsInvalidArgument(err) {
			t.Errorf("sysctl %s with the host's net and uts: err = %v, want ok %v", name, err, ok)
		}
	}
}
