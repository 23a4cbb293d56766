package pidfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	for content, want := range map[string]int{"42": 42, "42\n": 42, "": 0, "x": 0, "-3": 0} {
		path := filepath.Join(dir, "pid")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := Read(path)
		if got != want || (err == nil) != (want > 0) {
			t.Errorf("Read(%q) = %d, %v; want %d", content, got, err, want)
		}
	}
	if _, err := Read(filepath.Join(dir, "none")); err == nil {
		t.Error("Read of a missing file: no error")
	}
}
