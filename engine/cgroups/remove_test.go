package cgroups

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRemoveEmptyTakesThePathAndBelowInEveryHierarchyButNoParent: the
// cgroup and its children go in each hierarchy, deepest first; a busy one
// (here: one holding a file, as a cgroup with a process cannot be removed)
// and the parents stay.
func TestRemoveEmptyTakesThePathAndBelowInEveryHierarchyButNoParent(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"freezer/system.slice/x.scope/container", "cpu/system.slice/x.scope/container",
		"net_cls/system.slice/other.scope", "pids/system.slice"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	busy := filepath.Join(root, "cpu/system.slice/x.scope/tasks")
	if err := os.WriteFile(busy, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("cpu", filepath.Join(root, "cpu,cpuacct")); err != nil {
		t.Fatal(err)
	}
	if err := Root(root).RemoveEmpty("/system.slice/x.scope"); err != nil {
		t.Fatal(err)
	}
	for d, want := range map[string]bool{
		"freezer/system.slice/x.scope": false, "freezer/system.slice": true,
		"cpu/system.slice/x.scope/container": false, "cpu/system.slice/x.scope": true,
		"net_cls/system.slice/other.scope": true, "pids/system.slice": true,
	} {
		if _, err := os.Stat(filepath.Join(root, d)); (err == nil) != want {
			t.Errorf("%s exists: %v, want %v", d, err == nil, want)
		}
	}
	if err := Root(root).RemoveEmpty("/"); err == nil {
		t.Error("RemoveEmpty of the root cgroup: no error")
	}
}
