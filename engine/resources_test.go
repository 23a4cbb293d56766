package engine

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/systemd"
)

func TestCompleteResources(t *testing.T) {
	r := model.Resources{Memory: 64 << 20}
	if err := completeResources(&r, ""); err != nil || r.MemorySwap != 128<<20 {
		t.Fatalf("--memory alone: swap %d, %v; want twice the memory, as Podman", r.MemorySwap, err)
	}
	r = model.Resources{Memory: 64 << 20, MemorySwap: -1}
	if err := completeResources(&r, ""); err != nil || r.MemorySwap != -1 {
		t.Fatalf("unlimited swap: %d, %v", r.MemorySwap, err)
	}
	adj := 1001
	for name, bad := range map[string]model.Resources{
		"--memory":              {Memory: 1 << 20},
		"--memory-swap needs":   {MemorySwap: 1 << 30},
		"is less than --memory": {Memory: 64 << 20, MemorySwap: 32 << 20},
		"--memory-reservation":  {Memory: 64 << 20, MemoryReservation: 128 << 20},
		"--cpu-shares":          {CPUShares: 1},
		"--cpuset-cpus":         {CpusetCPUs: "0-a"},
		"--cpuset-mems":         {CpusetMems: "3-1"},
		"--oom-score-adj":       {OOMScoreAdj: &adj},
		"--sysctl vm.":          {Sysctls: map[string]string{"vm.swappiness": "1"}},
	} {
		if err := completeResources(&bad, ""); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v, want an invalid argument naming it", name, err)
		}
	}
	r = model.Resources{Sysctls: map[string]string{"net.ipv4.ip_forward": "1"}}
	if err := completeResources(&r, "host"); !errdefs.IsInvalidArgument(err) {
		t.Errorf("a net sysctl with --network host: err = %v, want an invalid argument", err)
	}
}

func TestUnitResources(t *testing.T) {
	pids := int64(100)
	r := model.Resources{Memory: 256 << 20, MemorySwap: 512 << 20, MemoryReservation: 64 << 20, NanoCPUs: 1_500_000_000,
		CPUShares: 512, CpusetCPUs: "0,9-10", CpusetMems: "0", PidsLimit: &pids}
	want := []systemd.Property{{Name: "MemoryMax", Value: uint64(256 << 20)}, {Name: "MemoryLimit", Value: uint64(256 << 20)},
		{Name: "MemorySwapMax", Value: uint64(256 << 20)}, {Name: "MemoryLow", Value: uint64(64 << 20)},
		{Name: "CPUQuotaPerSecUSec", Value: uint64(1_500_000)}, {Name: "CPUShares", Value: uint64(512)},
		{Name: "AllowedCPUs", Value: []byte{0x01, 0x06}}, {Name: "AllowedMemoryNodes", Value: []byte{0x01}},
		{Name: "TasksMax", Value: uint64(100)}}
	got := unitResources(r)
	byName := func(ps []systemd.Property) map[string]any {
		m := map[string]any{}
		for _, p := range ps {
			m[p.Name] = p.Value
		}
		return m
	}
	if !reflect.DeepEqual(byName(got), byName(want)) || len(got) != len(want) {
		t.Errorf("unit properties =\n %v\nwant\n %v", got, want)
	}
	if p := unitResources(model.Resources{}); len(p) != 0 {
		t.Errorf("no limits gave unit properties %v", p)
	}
	none := int64(-1)
	if p := unitResources(model.Resources{PidsLimit: &none, Memory: 64 << 20, MemorySwap: -1}); byName(p)["TasksMax"] != unlimited ||
		byName(p)["MemorySwapMax"] != unlimited {
		t.Errorf("unlimited pids and swap gave %v, want TasksMax and MemorySwapMax infinity", p)
	}
}

func TestSpecLimits(t *testing.T) {
	l := specLimits(model.Resources{NanoCPUs: 500_000_000, Ulimits: []model.Ulimit{{Name: "RLIMIT_CORE", Soft: -1, Hard: -1}}})
	if l.CPUQuota != 50000 || l.CPUPeriod != 100000 {
		t.Errorf("--cpus 0.5: quota %d period %d, want 50000/100000", l.CPUQuota, l.CPUPeriod)
	}
	if len(l.Ulimits) != 1 || l.Ulimits[0].Soft != unlimited || l.Ulimits[0].Hard != unlimited {
		t.Errorf("core=-1 gave %v, want RLIM_INFINITY", l.Ulimits)
	}
}

// unit-start runs in the unit's cgroup before the container: the unit's
// limits never go below what it needs, the container's stay exact.
func TestUnitResourcesFloor(t *testing.T) {
	three := int64(3)
	r := model.Resources{Memory: 6 << 20, PidsLimit: &three}
	got := map[string]any{}
	for _, p := range unitResources(r) {
		got[p.Name] = p.Value
	}
	if got["MemoryMax"] != uint64(model.UnitMinMemory) || got["TasksMax"] != uint64(model.UnitMinTasks) {
		t.Errorf("--memory 6m --pids-limit 3 gave unit limits %v, want the floors", got)
	}
	if l := specLimits(r); l.Memory != 6<<20 || pidsLimit(r) != 3 {
		t.Errorf("the spec got memory %d, pids %d; want the exact 6 MiB and 3", l.Memory, pidsLimit(r))
	}
}

func TestCheckOnline(t *testing.T) {
	online := t.TempDir() + "/online"
	if err := os.WriteFile(online, []byte("0-1,4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for list, ok := range map[string]bool{"0": true, "0-1,4": true, "": true, "2": false, "4-5": false} {
		err := checkOnline("--cpuset-cpus", list, online)
		if ok != (err == nil) || err != nil && (!errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "--cpuset-cpus "+list)) {
			t.Errorf("%q against 0-1,4: %v", list, err)
		}
	}
	if err := checkOnline("--cpuset-mems", "1", online+".missing"); err == nil {
		t.Error("node 1 on a machine that shows no nodes was accepted")
	}
}

func TestCheckUlimitAboveOwn(t *testing.T) {
	var own unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &own); err != nil || own.Max == unix.RLIM_INFINITY {
		t.Skip("no finite nofile hard limit to exceed") // not counted: the check is a no-op then
	}
	if hasCapability(capSysResource) {
		t.Skip("CAP_SYS_RESOURCE may raise it")
	}
	r := model.Resources{Ulimits: []model.Ulimit{{Name: "RLIMIT_NOFILE", Soft: 1, Hard: int64(own.Max) + 1}}}
	if err := checkHostResources(&r); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "--ulimit nofile=") {
		t.Errorf("nofile above the own hard limit: %v", err)
	}
	r.Ulimits[0].Hard = int64(own.Max)
	if err := checkHostResources(&r); err != nil {
		t.Errorf("nofile at the own hard limit: %v", err)
	}
}

func TestCheckOOMScoreBelowOwn(t *testing.T) {
	if hasCapability(capSysResource) {
		t.Skip("CAP_SYS_RESOURCE may lower it")
	}
	below, own := ownOOMScoreAdj()-1, ownOOMScoreAdj()
	if below < -1000 {
		t.Skip("already at -1000")
	}
	if err := checkHostResources(&model.Resources{OOMScoreAdj: &below}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("an OOM score below the own: %v", err)
	}
	if err := checkHostResources(&model.Resources{OOMScoreAdj: &own}); err != nil {
		t.Errorf("the own OOM score: %v", err)
	}
}
