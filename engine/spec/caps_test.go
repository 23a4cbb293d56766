package spec

import (
	"slices"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestDefaultCapabilities(t *testing.T) {
	want := []string{
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
		"CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP",
		"CAP_SETUID", "CAP_SYS_CHROOT",
	}
	got := DefaultCapabilities()
	if !slices.Equal(got, want) {
		t.Fatalf("DefaultCapabilities() = %v, want %v", got, want)
	}
	got[0] = "CAP_SYS_ADMIN"
	if DefaultCapabilities()[0] != "CAP_CHOWN" {
		t.Fatal("DefaultCapabilities returns its own slice")
	}

	c := mustGenerate(t, testInput(t)).Process.Capabilities
	for name, set := range map[string][]string{"bounding": c.Bounding, "effective": c.Effective, "permitted": c.Permitted} {
		if !slices.Equal(set, want) {
			t.Errorf("%s = %v, want the 11 defaults", name, set)
		}
	}
	if len(c.Inheritable) != 0 || len(c.Ambient) != 0 {
		t.Errorf("inheritable %v, ambient %v: want both empty", c.Inheritable, c.Ambient)
	}
}

func TestCapAddDrop(t *testing.T) {
	all := testHost().caps
	without := func(set []string, drop ...string) []string {
		return slices.DeleteFunc(slices.Clone(set), func(c string) bool { return slices.Contains(drop, c) })
	}
	with := func(set []string, add ...string) []string {
		out := slices.Concat(set, add)
		slices.Sort(out)
		return out
	}
	tests := []struct {
		name       string
		add, drop  []string
		want       []string
		wantErrArg bool
	}{
		{name: "add short", add: []string{"NET_ADMIN"}, want: with(defaultCapabilities, "CAP_NET_ADMIN")},
		{name: "add prefixed lower case", add: []string{"cap_net_admin"}, want: with(defaultCapabilities, "CAP_NET_ADMIN")},
		{name: "add a default again", add: []string{"CHOWN"}, want: defaultCapabilities},
		{name: "drop", drop: []string{"chown", "CAP_KILL"}, want: without(defaultCapabilities, "CAP_CHOWN", "CAP_KILL")},
		{name: "drop ALL", drop: []string{"all"}, want: []string{}},
		{name: "drop ALL add one", drop: []string{"ALL"}, add: []string{"KILL"}, want: []string{"CAP_KILL"}},
		{name: "add ALL", add: []string{"ALL"}, want: all},
		{name: "add ALL drop one", add: []string{"ALL"}, drop: []string{"SYS_ADMIN"}, want: without(all, "CAP_SYS_ADMIN")},
		{name: "unknown add", add: []string{"FLY"}, wantErrArg: true},
		{name: "unknown drop", drop: []string{"CAP_FLY"}, wantErrArg: true},
		{name: "add and drop one", add: []string{"KILL"}, drop: []string{"CAP_KILL"}, wantErrArg: true},
		{name: "add and drop ALL", add: []string{"ALL"}, drop: []string{"ALL"}, wantErrArg: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := testInput(t)
			in.CapAdd, in.CapDrop = tt.add, tt.drop
			s, err := generate(in, testHost())
			if tt.wantErrArg {
				if !errdefs.IsInvalidArgument(err) {
					t.Fatalf("err = %v, want an invalid argument", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := s.Process.Capabilities
			if !slices.Equal(c.Bounding, tt.want) || !slices.Equal(c.Effective, tt.want) || !slices.Equal(c.Permitted, tt.want) {
				t.Errorf("bounding %v effective %v permitted %v, want %v", c.Bounding, c.Effective, c.Permitted, tt.want)
			}
		})
	}
}

func TestNonRootUserCapabilities(t *testing.T) {
	for _, user := range []string{"1000", "alice", "www:root", "33"} {
		t.Run(user, func(t *testing.T) {
			in := testInput(t)
			in.User = user
			in.CapAdd = []string{"NET_ADMIN"}
			c := mustGenerate(t, in).Process.Capabilities
			if len(c.Effective) != 0 || len(c.Permitted) != 0 || len(c.Inheritable) != 0 || len(c.Ambient) != 0 {
				t.Errorf("non-root user got effective %v permitted %v inheritable %v ambient %v", c.Effective, c.Permitted, c.Inheritable, c.Ambient)
			}
			if want := with11(t, "CAP_NET_ADMIN"); !slices.Equal(c.Bounding, want) {
				t.Errorf("bounding = %v, want %v", c.Bounding, want)
			}
		})
	}
	for _, user := range []string{"root", "0", "0:33", "root:www"} {
		in := testInput(t)
		in.User = user
		if c := mustGenerate(t, in).Process.Capabilities; len(c.Effective) != 11 {
			t.Errorf("user %q: effective = %v, want the 11 defaults", user, c.Effective)
		}
	}
}

func with11(t *testing.T, add ...string) []string {
	t.Helper()
	out := slices.Concat(DefaultCapabilities(), add)
	slices.Sort(out)
	return out
}
