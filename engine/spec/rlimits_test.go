package spec

import (
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestRlimits(t *testing.T) {
	rl := func(typ string, soft, hard uint64) specs.POSIXRlimit {
		return specs.POSIXRlimit{Type: typ, Soft: soft, Hard: hard}
	}
	tests := []struct {
		name   string
		given  []specs.POSIXRlimit
		want   []specs.POSIXRlimit
		errArg bool
	}{
		{name: "defaults at the caller's hard limits", want: []specs.POSIXRlimit{
			rl("RLIMIT_NOFILE", 20000, 20000), rl("RLIMIT_NPROC", 8192, 8192),
		}},
		{name: "within", given: []specs.POSIXRlimit{rl("RLIMIT_NOFILE", 512, 4096)}, want: []specs.POSIXRlimit{rl("RLIMIT_NOFILE", 512, 4096)}},
		{name: "hard clamped", given: []specs.POSIXRlimit{rl("RLIMIT_NOFILE", 1024, 1048576)}, want: []specs.POSIXRlimit{rl("RLIMIT_NOFILE", 1024, 20000)}},
		{name: "both clamped", given: []specs.POSIXRlimit{rl("RLIMIT_NPROC", 1<<20, 1<<20)}, want: []specs.POSIXRlimit{rl("RLIMIT_NPROC", 8192, 8192)}},
		{name: "unlimited caller", given: []specs.POSIXRlimit{rl("RLIMIT_CORE", 1<<30, 1<<40)}, want: []specs.POSIXRlimit{rl("RLIMIT_CORE", 1<<30, 1<<40)}},
		{name: "caller limit unknown", given: []specs.POSIXRlimit{rl("RLIMIT_STACK", 1, 2)}, want: []specs.POSIXRlimit{rl("RLIMIT_STACK", 1, 2)}},
		{name: "empty", given: []specs.POSIXRlimit{}, want: []specs.POSIXRlimit{}},
		{name: "unknown type", given: []specs.POSIXRlimit{rl("RLIMIT_FUN", 1, 1)}, errArg: true},
		{name: "soft above hard", given: []specs.POSIXRlimit{rl("RLIMIT_NOFILE", 2, 1)}, errArg: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := testInput(t)
			in.Rlimits = tt.given
			s, err := generate(in, testHost())
			if tt.errArg {
				if !errdefs.IsInvalidArgument(err) {
					t.Fatalf("err = %v, want an invalid argument", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.Process.Rlimits, tt.want) {
				t.Errorf("rlimits = %v, want %v", s.Process.Rlimits, tt.want)
			}
		})
	}
}

// On this machine: never above the caller's own hard limits.
func TestRlimitsOnThisHost(t *testing.T) {
	h, err := probeHost()
	if err != nil {
		t.Fatal(err)
	}
	in := testInput(t)
	s, err := Generate(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Process.Rlimits) != 2 {
		t.Fatalf("rlimits = %v", s.Process.Rlimits)
	}
	for _, rl := range s.Process.Rlimits {
		if rl.Hard > h.rlimits[rl.Type].Hard || rl.Soft > rl.Hard {
			t.Errorf("%s = %d/%d, caller's hard limit %d", rl.Type, rl.Soft, rl.Hard, h.rlimits[rl.Type].Hard)
		}
	}
}
