package spec

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestResolveUser(t *testing.T) {
	root := testRootfs(t)
	tests := []struct {
		spec     string
		uid, gid uint32
		groups   []uint32
		errArg   string // non-empty: an invalid-argument error naming this
	}{
		{spec: "", uid: 0, gid: 0},
		{spec: "root", uid: 0, gid: 0},
		{spec: "www", uid: 33, gid: 33},
		{spec: "alice", uid: 1000, gid: 1000, groups: []uint32{50}},
		{spec: "33", uid: 33, gid: 33},
		{spec: "4242", uid: 4242, gid: 0},
		{spec: "4242:4343", uid: 4242, gid: 4343},
		{spec: "1000:50", uid: 1000, gid: 50},
		{spec: "www:staff", uid: 33, gid: 50},
		{spec: "33:daemon", uid: 33, gid: 1},
		{spec: "nobody", errArg: "nobody"},
		{spec: "www:nogroup", errArg: "nogroup"},
		{spec: "-1", errArg: "-1"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			u, err := ResolveUser(root, tt.spec)
			if tt.errArg != "" {
				if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), tt.errArg) {
					t.Fatalf("err = %v, want an invalid argument naming %q", err, tt.errArg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if u.UID != tt.uid || u.GID != tt.gid || !slices.Equal(u.AdditionalGids, tt.groups) {
				t.Errorf("got %d:%d %v, want %d:%d %v", u.UID, u.GID, u.AdditionalGids, tt.uid, tt.gid, tt.groups)
			}
		})
	}
}

func TestResolveUserWithoutPasswd(t *testing.T) {
	root := t.TempDir()
	if u, err := ResolveUser(root, "1000:1000"); err != nil || u.UID != 1000 || u.GID != 1000 {
		t.Errorf("numeric user without /etc/passwd: %+v, %v", u, err)
	}
	if _, err := ResolveUser(root, "alice"); !errdefs.IsInvalidArgument(err) {
		t.Errorf("named user without /etc/passwd: err = %v", err)
	}
}

// An absolute symlink in the image resolves inside the rootfs, not on the host.
func TestResolveUserStaysInRootfs(t *testing.T) {
	root := testRootfs(t)
	inner := filepath.Join(root, "etc", "passwd")
	if err := os.Rename(inner, filepath.Join(root, "etc", "passwd.real")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd.real", inner); err != nil {
		t.Fatal(err)
	}
	u, err := ResolveUser(root, "alice")
	if err != nil || u.UID != 1000 {
		t.Errorf("alice through an absolute symlink: %+v, %v", u, err)
	}
}

func TestUserHomeAndEnv(t *testing.T) {
	in := testInput(t)
	in.User = "alice"
	in.Terminal = true
	s := mustGenerate(t, in)
	want := []string{
		"FOO=bar", "PATH=" + DefaultPath, "TERM=xterm", "container=podunit",
		"HOSTNAME=0123456789ab", "HOME=/home/alice",
	}
	if !slices.Equal(s.Process.Env, want) {
		t.Errorf("env = %q, want %q", s.Process.Env, want)
	}

	in.Env = []string{"PATH=/bin", "HOME=/h", "TERM=vt100", "container=other", "HOSTNAME=mine"}
	in.Terminal = true
	if s := mustGenerate(t, in); !slices.Equal(s.Process.Env, in.Env) {
		t.Errorf("env = %q, want the caller's unchanged %q", s.Process.Env, in.Env)
	}
}
