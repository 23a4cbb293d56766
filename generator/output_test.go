package generator

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/podunit/podunit/generator/quadlet"
)

// TestWriteReplacesWhatIsThere writes into a fresh directory and again over
// the first run's files and links (a daemon-reload reuses nothing, but a
// generator run by hand into one directory does): both must end right.
func TestWriteReplacesWhatIsThere(t *testing.T) {
	dir := t.TempDir()
	first := &Result{Units: []Output{{Name: "a.service", Data: []byte("one\n")}},
		Links: []quadlet.Link{{Path: "multi-user.target.wants/a.service", Target: "../a.service"}}}
	second := &Result{Units: []Output{{Name: "a.service", Data: []byte("two\n")}},
		Links: []quadlet.Link{{Path: "multi-user.target.wants/a.service", Target: "../b.service"}}}
	for i, r := range []*Result{first, second} {
		if err := r.Write(dir); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a.service")); string(b) != "two\n" {
		t.Errorf("a.service = %q after the second write", b)
	}
	if target, err := os.Readlink(filepath.Join(dir, "multi-user.target.wants/a.service")); err != nil || target != "../b.service" {
		t.Errorf("link = %q, %v after the second write", target, err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*", ".*tmp*"))
	more, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(leftovers)+len(more) > 0 {
		t.Errorf("temporary files left: %v %v", leftovers, more)
	}
}
