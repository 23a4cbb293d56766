package engine

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestKeeperArgs: the small podunit-console beside podunit or in the
// packages' libexec directory, else podunit's own console-keeper verb.
func TestKeeperArgs(t *testing.T) {
	root := t.TempDir()
	self := filepath.Join(root, "usr", "bin", "podunit")
	libexec := filepath.Join(root, "usr", "libexec", "podunit", "podunit-console")
	beside := filepath.Join(root, "usr", "bin", "podunit-console")
	for _, d := range []string{filepath.Dir(self), filepath.Dir(libexec)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	e := &Engine{cfg: Config{Self: self, StorageRoot: "/g", StorageRunRoot: "/r"}}
	fallback := []string{self, "--root", "/g", "--runroot", "/r", "container", "console-keeper", "ID"}
	if got := e.keeperArgs("ID"); !slices.Equal(got, fallback) {
		t.Errorf("without podunit-console: %q, want %q", got, fallback)
	}
	if err := os.WriteFile(libexec, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := e.keeperArgs("ID"); !slices.Equal(got, fallback) {
		t.Errorf("with a podunit-console that cannot run: %q, want %q", got, fallback)
	}
	if err := os.Chmod(libexec, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := e.keeperArgs("ID"); len(got) != 2 || filepath.Clean(got[0]) != libexec || got[1] != "ID" {
		t.Errorf("with libexec's: %q, want %s ID", got, libexec)
	}
	if err := os.WriteFile(beside, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := e.keeperArgs("ID"); len(got) != 2 || got[0] != beside {
		t.Errorf("with one beside podunit: %q, want %s ID", got, beside)
	}
}
