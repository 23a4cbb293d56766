package unitstart

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/oci"
)

// TestTakePlan: a plan serves the start its nonce names, once; another
// start's, a damaged one or one moved from its bundle serves none, and is
// gone after the look either way.
func TestTakePlan(t *testing.T) {
	bundle := t.TempDir()
	want := &Plan{Nonce: "n1", ID: "c1", Bundle: bundle, Cgroup: "/podunit.slice/u.service", DB: "/db",
		Runtime: oci.Runtime{Name: "crun", Path: "/usr/bin/crun", Root: "/run/crun", NoCgroups: true},
		Name:    "web", LogDriver: model.LogNone, LogTag: "tag"}
	if err := WritePlan(want); err != nil {
		t.Fatal(err)
	}
	path := PlanFile(bundle)
	got, err := TakePlan(path, "n1")
	if err != nil || got == nil || *got != *want {
		t.Fatalf("TakePlan: %+v, %v; want %+v", got, err, want)
	}
	if got, err := TakePlan(path, "n1"); got != nil || err != nil {
		t.Fatalf("a second take: %+v, %v", got, err)
	}
	moved := filepath.Join(t.TempDir(), "start.plan")
	for _, tc := range []struct {
		what, path, nonce string
		data              []byte
	}{
		{"another start's", path, "n2", nil},
		{"no nonce", path, "", nil},
		{"damaged", path, "n1", []byte(`{"Nonce":"n1",`)},
		{"moved from its bundle", moved, "n1", nil},
	} {
		data := tc.data
		if data == nil {
			var err error
			if err = WritePlan(want); err == nil {
				data, err = os.ReadFile(path)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(tc.path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if got, err := TakePlan(tc.path, tc.nonce); got != nil || err != nil {
			t.Errorf("%s: %+v, %v; want none", tc.what, got, err)
		}
		if _, err := os.Stat(tc.path); !os.IsNotExist(err) {
			t.Errorf("%s: the plan is left (%v)", tc.what, err)
		}
	}
	if c := want.container(); c.ID != "c1" || c.Name != "web" || c.Config.LogDriverName() != model.LogNone || c.Config.LogTag != "tag" {
		t.Errorf("the plan's container: %+v", c)
	}
}

// TestMainUsage: podunit-start without its words refuses, exit 125.
func TestMainUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"n"}, {"n", "p", "l", "x", "podunit"}} {
		if code := Main(args); code != 125 {
			t.Errorf("Main(%q) = %d, want 125", args, code)
		}
	}
}
