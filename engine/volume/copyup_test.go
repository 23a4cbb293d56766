package volume

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// imageTree builds a small root filesystem: /etc with files of several
// owners and modes, a symlink, a hard link, a fifo, and /data -> /etc.
func imageTree(t *testing.T) string {
	root := t.TempDir()
	etc := filepath.Join(root, "etc")
	must(t, os.MkdirAll(filepath.Join(etc, "sub"), 0o750))
	must(t, os.WriteFile(filepath.Join(etc, "passwd"), []byte("root:x:0:0\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(etc, "secret"), []byte("s"), 0o600))
	must(t, os.WriteFile(filepath.Join(etc, "sub", "suid"), []byte("#!"), 0o755))
	must(t, os.Lchown(filepath.Join(etc, "secret"), 1000, 1001))
	must(t, os.Lchown(filepath.Join(etc, "sub"), 7, 8))
	must(t, os.Chmod(filepath.Join(etc, "sub", "suid"), 0o4755|os.ModeSetuid))
	must(t, unix.Chmod(filepath.Join(etc, "sub", "suid"), 0o4755))
	must(t, os.Symlink("passwd", filepath.Join(etc, "link")))
	must(t, os.Lchown(filepath.Join(etc, "link"), 3, 4))
	must(t, os.Link(filepath.Join(etc, "passwd"), filepath.Join(etc, "hard")))
	must(t, unix.Mkfifo(filepath.Join(etc, "fifo"), 0o640))
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	must(t, os.Chtimes(filepath.Join(etc, "passwd"), old, old))
	must(t, os.Chmod(etc, 0o711))
	must(t, os.Chtimes(etc, old, old))
	must(t, os.Symlink("/etc", filepath.Join(root, "data")))
	must(t, os.Symlink("../../../etc", filepath.Join(root, "escape")))
	return root
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func stat(t *testing.T, p string) *unix.Stat_t {
	t.Helper()
	st := new(unix.Stat_t)
	must(t, unix.Lstat(p, st))
	return st
}

func TestCopyUpKeepsModesOwnersLinks(t *testing.T) {
	requireRoot(t)
	root := imageTree(t)
	dst := filepath.Join(t.TempDir(), "_data")
	must(t, os.Mkdir(dst, 0o755))
	// /data is a symlink to /etc: it resolves inside root.
	copied, err := CopyUp(root, "/data", dst)
	if err != nil || !copied {
		t.Fatalf("CopyUp = %v, %v", copied, err)
	}
	for _, rel := range []string{"", "passwd", "secret", "sub", "sub/suid", "link", "fifo", "hard"} {
		want, got := stat(t, filepath.Join(root, "etc", rel)), stat(t, filepath.Join(dst, rel))
		if got.Mode != want.Mode || got.Uid != want.Uid || got.Gid != want.Gid {
			t.Errorf("%s: mode %o owner %d:%d, want %o %d:%d", rel, got.Mode, got.Uid, got.Gid, want.Mode, want.Uid, want.Gid)
		}
		if rel != "link" && rel != "" && got.Mtim != want.Mtim {
			t.Errorf("%s: mtime %v, want %v", rel, got.Mtim, want.Mtim)
		}
	}
	if l, err := os.Readlink(filepath.Join(dst, "link")); err != nil || l != "passwd" {
		t.Errorf("link -> %q, %v", l, err)
	}
	if stat(t, filepath.Join(dst, "hard")).Ino != stat(t, filepath.Join(dst, "passwd")).Ino {
		t.Error("hard link became a copy")
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "passwd")); string(b) != "root:x:0:0\n" {
		t.Errorf("passwd = %q", b)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dst), ".copyup")); !os.IsNotExist(err) {
		t.Errorf("temporary copy left: %v", err)
	}
}

func TestCopyUpOnlyIntoEmptyAndOnlyDirectories(t *testing.T) {
	root := imageTree(t)
	dst := filepath.Join(t.TempDir(), "_data")
	must(t, os.Mkdir(dst, 0o755))
	for _, p := range []string{"/missing", "/etc/passwd"} {
		if copied, err := CopyUp(root, p, dst); err != nil || copied {
			t.Errorf("CopyUp(%s) = %v, %v; want nothing copied", p, copied, err)
		}
	}
	must(t, os.WriteFile(filepath.Join(dst, "mine"), nil, 0o644))
	if copied, err := CopyUp(root, "/etc", dst); err != nil || copied {
		t.Errorf("CopyUp into a non-empty volume = %v, %v", copied, err)
	}
	if _, err := os.Stat(filepath.Join(dst, "passwd")); !os.IsNotExist(err) {
		t.Error("copied into a volume that has data")
	}
}

func TestResolveInStaysInRoot(t *testing.T) {
	root := imageTree(t)
	must(t, os.Symlink("loop", filepath.Join(root, "loop")))
	cases := map[string]string{
		"/data":        "/etc",
		"/escape":      "/etc",
		"/../../etc":   "/etc",
		"/data/../bin": "/bin",
		"/etc/link":    "/etc/passwd",
		"/nope/x":      "/nope/x",
	}
	for in, want := range cases {
		if got, err := resolveIn(root, in); err != nil || got != filepath.Join(root, want) {
			t.Errorf("resolveIn(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
	if _, err := resolveIn(root, "/loop"); err == nil {
		t.Error("a symlink loop resolved")
	}
}
