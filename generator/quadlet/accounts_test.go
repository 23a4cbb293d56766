package quadlet

import (
	"os"
	"path/filepath"
	"testing"
)

// TestHostID reads [Volume] User=/Group= from the given passwd and group
// files, never the host's.
func TestHostID(t *testing.T) {
	etc := t.TempDir()
	for name, text := range map[string]string{
		"passwd": "root:x:0:0::/root:/bin/sh\nsvc:x:4321:99::/:/bin/false\nshort:x\n",
		"group":  "root:x:0:\nsvc:x:5432:\n",
	} {
		if err := os.WriteFile(filepath.Join(etc, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		v     string
		group bool
		want  uint64
		ok    bool
	}{
		{"svc", false, 4321, true}, {"svc", true, 5432, true}, {"root", true, 0, true}, {"77", false, 77, true},
		{"short", false, 0, false}, {"nobody", false, 0, false}, {"4294967295", true, 0, false},
	} {
		got, err := hostID(etc, c.v, c.group)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("hostID(%q, group=%v) = %d, %v; want %d (ok %v)", c.v, c.group, got, err, c.want, c.ok)
		}
	}
	if _, err := hostID(filepath.Join(etc, "none"), "svc", false); err == nil {
		t.Error("a missing passwd file resolved a name")
	}
}
