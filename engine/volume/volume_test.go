package volume

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestParse(t *testing.T) {
	dev := t.TempDir()
	good := []struct {
		opts map[string]string
		want Options
	}{
		{nil, Options{UID: -1, GID: -1}},
		{map[string]string{"uid": "1000", "gid": "0"}, Options{UID: 1000, GID: 0}},
		{map[string]string{"type": "tmpfs", "o": "size=64m,mode=1777,noexec"},
			Options{Type: "tmpfs", Flags: []string{"size=64m", "mode=1777", "noexec"}, UID: -1, GID: -1}},
		{map[string]string{"type": "tmpfs", "device": "tmpfs"}, Options{Type: "tmpfs", Device: "tmpfs", UID: -1, GID: -1}},
		{map[string]string{"type": "none", "o": "bind", "device": dev},
			Options{Type: "none", Device: dev, Flags: []string{"bind"}, UID: -1, GID: -1}},
		{map[string]string{"nocopy": ""}, Options{UID: -1, GID: -1, NoCopy: true}},
		{map[string]string{"copy": ""}, Options{UID: -1, GID: -1}},
	}
	for _, c := range good {
		got, err := Parse(c.opts)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%v) = %+v, %v; want %+v", c.opts, got, err, c.want)
		}
	}
	bad := []struct {
		opts  map[string]string
		names string
	}{
		{map[string]string{"colour": "red"}, "colour"},
		{map[string]string{"type": "nfs"}, "nfs"},
		{map[string]string{"o": "size=1m"}, "type=tmpfs"},
		{map[string]string{"type": "tmpfs", "o": "size=1m,bogus"}, "bogus"},
		{map[string]string{"type": "tmpfs", "device": "/dev/sda"}, "/dev/sda"},
		{map[string]string{"type": "none", "o": "bind"}, "device"},
		{map[string]string{"type": "none", "device": dev}, "o=bind"},
		{map[string]string{"type": "none", "o": "bind", "device": dev + "/missing"}, "missing"},
		{map[string]string{"type": "none", "o": "bind,size=1m", "device": dev}, "size=1m"},
		{map[string]string{"uid": "-3"}, "uid=-3"},
		{map[string]string{"copy": "", "nocopy": ""}, "nocopy"},
	}
	for _, c := range bad {
		_, err := Parse(c.opts)
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), c.names) {
			t.Errorf("Parse(%v) = %v; want invalid argument naming %q", c.opts, err, c.names)
		}
	}
}

func TestTmpfsMountOptions(t *testing.T) {
	o, err := Parse(map[string]string{"type": "tmpfs", "o": "size=1m,noexec,suid", "uid": "5"})
	if err != nil {
		t.Fatal(err)
	}
	flags, data := o.tmpfsMount()
	if flags != unix.MS_NODEV|unix.MS_NOEXEC || data != "size=1m,uid=5" {
		t.Errorf("tmpfsMount = %#x %q", flags, data)
	}
}

func TestCreateReadyRemovePlain(t *testing.T) {
	d := Dir(t.TempDir())
	o := Options{UID: -1, GID: -1}
	if err := d.Create("data", o); err != nil {
		t.Fatal(err)
	}
	mp := d.Mountpoint("data", o)
	if fi, err := os.Stat(mp); err != nil || fi.Mode().Perm() != 0o755 || mp != filepath.Join(string(d), "data", "_data") {
		t.Fatalf("mountpoint %s: %v %v", mp, fi, err)
	}
	os.WriteFile(filepath.Join(mp, "keep"), []byte("x"), 0o644)
	if got, err := d.Ready("data", o); err != nil || got != mp {
		t.Fatalf("Ready = %s, %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(mp, "keep")); err != nil {
		t.Errorf("Ready lost data: %v", err)
	}
	// A fresh Create of the same name starts empty: it finishes a removal a crash cut short.
	if err := d.Create("data", o); err != nil {
		t.Fatal(err)
	}
	if empty, _ := isEmpty(mp); !empty {
		t.Error("Create kept a leftover volume's files")
	}
	for i := 0; i < 2; i++ {
		if err := d.Remove("data"); err != nil {
			t.Fatalf("Remove #%d: %v", i+1, err)
		}
	}
	if _, err := os.Stat(filepath.Join(string(d), "data")); !os.IsNotExist(err) {
		t.Errorf("after Remove: %v", err)
	}
	if err := d.Remove(".."); !errdefs.IsInvalidArgument(err) {
		t.Errorf("Remove(..) = %v", err)
	}
	if _, err := os.Stat(string(d)); err != nil {
		t.Errorf("Remove(..) removed the volumes directory: %v", err)
	}
}

func TestBindVolumeUsesDeviceAndKeepsIt(t *testing.T) {
	d, dev := Dir(t.TempDir()), t.TempDir()
	os.WriteFile(filepath.Join(dev, "f"), []byte("x"), 0o644)
	o, err := Parse(map[string]string{"type": "none", "o": "bind", "device": dev})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Create("b", o); err != nil {
		t.Fatal(err)
	}
	if mp, err := d.Ready("b", o); err != nil || mp != dev {
		t.Fatalf("Ready = %s, %v; want %s", mp, err, dev)
	}
	if err := d.Remove("b"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dev, "f")); err != nil {
		t.Errorf("Remove touched the host directory: %v", err)
	}
}

func requireRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("this test needs root (it mounts tmpfs): run it as root, as CI does")
	}
}

func TestTmpfsMountedAtUseUnmountedAtRemove(t *testing.T) {
	requireRoot(t)
	d := Dir(t.TempDir())
	o, err := Parse(map[string]string{"type": "tmpfs", "o": "size=1m,mode=0700"})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Create("t", o); err != nil {
		t.Fatal(err)
	}
	if m, _ := d.Mounted("t"); m {
		t.Fatal("mounted at create; want at first use")
	}
	mp, err := d.Ready("t", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Unmount(mp, unix.MNT_DETACH) })
	var fs unix.Statfs_t
	if err := unix.Statfs(mp, &fs); err != nil || fs.Type != unix.TMPFS_MAGIC || fs.Blocks*uint64(fs.Bsize) != 1<<20 {
		t.Fatalf("statfs %s: %+v %v", mp, fs, err)
	}
	if fi, _ := os.Stat(mp); fi.Mode().Perm() != 0o700 {
		t.Errorf("mode %v, want 0700", fi.Mode())
	}
	if _, err := d.Ready("t", o); err != nil { // a second use mounts nothing more
		t.Fatal(err)
	}
	if err := d.Remove("t"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(string(d), "t")); !os.IsNotExist(err) {
		t.Errorf("after Remove: %v", err)
	}
}

// TestRemovalMark: a mark is read back with its storage ID (an image
// volume has no directory before it), taken back by Unmark, and gone with
// Remove; a name that is not a file name is refused.
func TestRemovalMark(t *testing.T) {
	d := Dir(t.TempDir())
	if _, marked := d.Removal("v"); marked {
		t.Fatal("a volume never marked reads as marked")
	}
	id := strings.Repeat("ab", 32)
	if err := d.MarkRemoval("v", id); err != nil {
		t.Fatal(err)
	}
	if got, marked := d.Removal("v"); !marked || got != id {
		t.Fatalf("Removal = %q, %v; want %q, true", got, marked, id)
	}
	if err := d.Unmark("v"); err != nil {
		t.Fatal(err)
	}
	if _, marked := d.Removal("v"); marked {
		t.Fatal("marked after Unmark")
	}
	if err := d.Create("w", Options{UID: -1, GID: -1}); err != nil {
		t.Fatal(err)
	}
	if err := d.MarkRemoval("w", ""); err != nil {
		t.Fatal(err)
	}
	if got, marked := d.Removal("w"); !marked || got != "" {
		t.Fatalf("Removal(w) = %q, %v", got, marked)
	}
	for _, n := range []string{"v", "w"} {
		if err := d.Remove(n); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(d.path(n)); !os.IsNotExist(err) {
			t.Errorf("%s after Remove: %v", n, err)
		}
	}
	if err := d.MarkRemoval("../x", ""); !errdefs.IsInvalidArgument(err) {
		t.Errorf("MarkRemoval(../x) = %v", err)
	}
}
