package engine

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRemoveOthers(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"keep", "gone", "sub/keep", "sub/gone"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := removeOthers(dir, map[string][]byte{"keep": nil, "sub/keep": nil}); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]bool{"keep": true, "gone": false, "sub/keep": true, "sub/gone": false} {
		if _, err := os.Stat(filepath.Join(dir, f)); (err == nil) != want {
			t.Errorf("%s: there %v, want %v", f, err == nil, want)
		}
	}
}
