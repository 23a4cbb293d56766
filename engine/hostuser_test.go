package engine

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

func TestAddHostUsers(t *testing.T) {
	rootfs := t.TempDir()
	if err := os.MkdirAll(filepath.Join(rootfs, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	passwd := filepath.Join(rootfs, "etc", "passwd")
	if err := os.WriteFile(passwd, []byte("root:x:0:0:root:/root:/bin/sh"), 0o644); err != nil { // no final newline
		t.Fatal(err)
	}
	c := &model.Container{Name: "hu", Config: model.Config{MetaConfig: model.MetaConfig{HostUsers: []string{"root", "1"}}}}
	for range 2 { // the second start adds nothing
		if err := addHostUsers(c, rootfs); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := os.ReadFile(passwd)
	lines := strings.Split(strings.TrimSuffix(string(got), "\n"), "\n")
	if len(lines) != 2 || lines[0] != "root:x:0:0:root:/root:/bin/sh" || !strings.HasPrefix(lines[1], "daemon:*:1:1:") {
		t.Errorf("passwd after --hostuser root --hostuser 1:\n%s", got)
	}
	// a passwd that is a symlink out of the rootfs is followed inside it
	outside := filepath.Join(t.TempDir(), "passwd")
	os.WriteFile(outside, []byte("host:x:0:0::/:/bin/sh\n"), 0o644)
	os.Remove(passwd)
	if err := os.Symlink("../../../../../../.."+outside, passwd); err != nil {
		t.Fatal(err)
	}
	_ = addHostUsers(c, rootfs) // it may fail (the target's directory is not in the rootfs), never write outside
	if b, _ := os.ReadFile(outside); string(b) != "host:x:0:0::/:/bin/sh\n" {
		t.Errorf("a file outside the rootfs was changed: %q", b)
	}
	if _, err := hostUser("no-such-user-here"); !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.Contains(err.Error(), `--hostuser "no-such-user-here"`) {
		t.Errorf("an unknown host user: %v", err)
	}
}
