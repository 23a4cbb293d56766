package engine

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSubPathIn(t *testing.T) {
	mp := t.TempDir()
	if err := os.MkdirAll(filepath.Join(mp, "a/b"), 0o755); err != nil {
		t.Fatal(err)
	}
	// a link a container left in the volume: resolved inside the volume
	if err := os.Symlink("/a", filepath.Join(mp, "up")); err != nil {
		t.Fatal(err)
	}
	for sub, want := range map[string]string{"": mp, "a/b": filepath.Join(mp, "a/b"), "up/b": filepath.Join(mp, "a/b")} {
		if got, err := subPathIn(mp, sub); err != nil || got != want {
			t.Errorf("subPathIn(%q) = %q, %v; want %q", sub, got, err, want)
		}
	}
	if _, err := subPathIn(mp, "missing"); err == nil {
		t.Error("a missing subpath was accepted")
	}
}
