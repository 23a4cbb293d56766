package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// parseRes parses args as create's resource flags.
func parseRes(t *testing.T, args ...string) (model.Resources, error) {
	t.Helper()
	var f resFlags
	fs := pflag.NewFlagSet("create", pflag.ContinueOnError)
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return model.Resources{}, err
	}
	return f.resources(fs.Changed)
}

func TestResourceFlags(t *testing.T) {
	r, err := parseRes(t, "-m", "512m", "--memory-swap", "1g", "--memory-reservation", "256MiB",
		"--cpus", "1.5", "-c", "512", "--cpuset-cpus", "0-1", "--cpuset-mems", "0",
		"--pids-limit", "100", "--ulimit", "nofile=1024:2048", "--ulimit", "core=unlimited", "--ulimit", "nofile=512",
		"--shm-size", "128m", "--sysctl", "net.ipv4.ip_forward=1", "--sysctl", "kernel.msgmax=a=b", "--oom-score-adj", "-5")
	if err != nil {
		t.Fatal(err)
	}
	pids, adj := int64(100), -5
	want := model.Resources{Memory: 512 << 20, MemorySwap: 1 << 30, MemoryReservation: 256 << 20,
		NanoCPUs: 1_500_000_000, CPUShares: 512, CpusetCPUs: "0-1", CpusetMems: "0", PidsLimit: &pids,
		Ulimits: []model.Ulimit{{Name: "RLIMIT_CORE", Soft: -1, Hard: -1}, {Name: "RLIMIT_NOFILE", Soft: 512, Hard: 512}},
		ShmSize: 128 << 20, Sysctls: map[string]string{"net.ipv4.ip_forward": "1", "kernel.msgmax": "a=b"}, OOMScoreAdj: &adj}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("resources =\n %+v\nwant\n %+v", r, want)
	}
}

func TestResourceFlagsDefaults(t *testing.T) {
	r, err := parseRes(t)
	if err != nil || !reflect.DeepEqual(r, model.Resources{}) {
		t.Fatalf("no flags gave %+v, %v; want nothing asked for", r, err)
	}
	if r, err = parseRes(t, "--cpus", "0", "--memory", "0"); err != nil || r.NanoCPUs != 0 || r.Memory != 0 {
		t.Fatalf("--cpus 0 --memory 0 gave %+v, %v; want no limits, as Podman", r, err)
	}
	r, err = parseRes(t, "--memory-swap", "-1", "--pids-limit", "-1", "--oom-score-adj", "0")
	if err != nil || r.MemorySwap != -1 || r.PidsLimit == nil || *r.PidsLimit != -1 || r.OOMScoreAdj == nil {
		t.Fatalf("unlimited swap and pids, OOM adj 0 gave %+v, %v", r, err)
	}
}

// A bad value is an invalid argument naming the flag and the value.
func TestResourceFlagsBad(t *testing.T) {
	for _, args := range [][]string{
		{"--memory", "12q"}, {"--memory-swap", "lots"}, {"--memory-reservation", "-3m"}, {"--shm-size", "1x"},
		{"--cpus", "-1"}, {"--cpus", "NaN"}, {"--cpus", "many"}, {"--cpus", "1e30"},
		{"--ulimit", "nofile=x"}, {"--ulimit", "bogus=1"}, {"--ulimit", "nofile=2:1"}, {"--ulimit", "nofile"},
		{"--ulimit", "nofile=-2"}, {"--sysctl", "novalue"}, {"--sysctl", "=1"},
	} {
		_, err := parseRes(t, args...)
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), args[0]) || !strings.Contains(err.Error(), args[1]) {
			t.Errorf("%q: err = %v, want an invalid argument naming the flag and value", args, err)
		}
	}
}

// generate systemd --new writes every limit back as its flag: parsing its
// run line gives the same resources, and the unit carries the limits
// systemd owns.
func TestResourceFlagsRoundTripThroughGenerate(t *testing.T) {
	r, err := parseRes(t, "-m", "300m", "--memory-swap", "-1", "--memory-reservation", "100m", "--cpus", "0.25",
		"-c", "300", "--cpuset-cpus", "0", "--cpuset-mems", "0", "--pids-limit", "77", "--ulimit", "nofile=100:200",
		"--shm-size", "1g", "--sysctl", "kernel.msgmax=8192", "--sysctl", "net.core.somaxconn=64", "--oom-score-adj", "9")
	if err != nil {
		t.Fatal(err)
	}
	c := &model.Container{ID: strings.Repeat("a", 64), Name: "lim", Image: "localhost/bb:latest",
		Config: model.Config{Cmd: []string{"sleep", "1"}, Runtime: "crun", Resources: r}}
	l := exportedRunLine(t, c)
	f, argv := l.unit, l.argv
	got, err := l.flags.res.resources(l.fs.Changed)
	if err != nil || !reflect.DeepEqual(got, r) {
		t.Errorf("round trip gave\n %+v, %v\nwant\n %+v\n(run line %q)", got, err, r, argv)
	}
	for key, want := range map[string]string{"MemoryMax": "314572800", "MemorySwapMax": "infinity", "MemoryLow": "104857600",
		"CPUQuota": "25%", "CPUShares": "300", "AllowedCPUs": "0", "AllowedMemoryNodes": "0", "TasksMax": "77"} {
		if e, ok := f.Section("Service").Lookup(key); !ok || e.Value != want {
			t.Errorf("[Service] %s=%q, want %q", key, e.Value, want)
		}
	}
}
