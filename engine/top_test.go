package engine

import (
	"os"
	"path/filepath"
	"testing"
)

func TestIDNamesFromTheContainersFiles(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	passwd := "root:x:0:0:root:/root:/bin/sh\n# comment\nbroken\napp:x:1000:1000::/home/app:/bin/sh\nagain:x:1000:1::/:/bin/sh\n"
	if err := os.WriteFile(filepath.Join(root, "etc", "passwd"), []byte(passwd), 0o644); err != nil {
		t.Fatal(err)
	}
	names := newIDNames(root)
	for id, want := range map[int]string{0: "root", 1000: "app", 42: "42"} {
		if got := names.user(id); got != want {
			t.Errorf("user(%d) = %q, want %q", id, got, want)
		}
	}
	if got := names.group(0); got != "0" { // no /etc/group: the number
		t.Errorf("group(0) = %q without /etc/group", got)
	}
}
