package image

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/moby/sys/mountinfo"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/test/testimage"
)

func TestRootfsVFS(t *testing.T) { testRootfs(t, "vfs") }

func TestRootfsOverlay(t *testing.T) { testRootfs(t, "overlay") }

func testRootfs(t *testing.T, driver string) {
	s := newStore(t, driver)
	load(t, s, fixtures.dockerArchive)
	img, err := s.Resolve(ctx, "busybox")
	if err != nil {
		t.Fatal(err)
	}
	id := ctrID(7)
	if err := s.CreateRootfs(ctx, img.ID, id, "web"); err != nil {
		t.Fatal(err)
	}
	if !s.RootfsExists(id) || s.RootfsExists(id[:12]) || s.RootfsExists("web") {
		t.Fatal("RootfsExists must match the exact ID only")
	}
	p := mountAndCheck(t, s, id, driver)
	if err := s.Unmount(id, false); err != nil {
		t.Fatal(err)
	}
	checkNotMounted(t, s, p)
	if err := s.Unmount(id, false); err != nil {
		t.Errorf("Unmount of an unmounted rootfs: %v", err)
	}
	p = mountAndCheck(t, s, id, driver)
	mountAndCheck(t, s, id, driver) // a second, counted mount
	if err := s.DeleteRootfs(id); err != nil {
		t.Fatal(err)
	}
	checkNotMounted(t, s, p)
	if s.RootfsExists(id) {
		t.Error("rootfs exists after DeleteRootfs")
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Errorf("rootfs dir %s left behind: %v", p, err)
	}
	if err := s.DeleteRootfs(id); err != nil {
		t.Errorf("second DeleteRootfs: %v", err)
	}
	if _, err := s.Mount(id); !errdefs.IsNotFound(err) {
		t.Errorf("Mount of a deleted rootfs: %v", err)
	}
}

// mountAndCheck mounts the rootfs and checks it holds busybox (and, on
// overlay, is a mount point).
func mountAndCheck(t *testing.T, s *Store, id, driver string) string {
	t.Helper()
	p, err := s.Mount(id)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(p, "bin/busybox"))
	bb, _ := os.Stat(testimage.BusyboxPath)
	if err != nil || st.Size() != bb.Size() || st.Mode().Perm() != 0o755 {
		t.Fatalf("%s/bin/busybox: %v, %v", p, st, err)
	}
	if target, err := os.Readlink(filepath.Join(p, "bin/sh")); err != nil || target != "busybox" {
		t.Errorf("bin/sh -> %q, %v", target, err)
	}
	if driver == "overlay" && !mounted(t, p) {
		t.Errorf("%s is not a mount point", p)
	}
	return p
}

func checkNotMounted(t *testing.T, s *Store, p string) {
	t.Helper()
	if mounted(t, p) {
		t.Errorf("%s still mounted", p)
	}
	if n, err := s.store.Mounted(ctrID(7)); err == nil && n != 0 {
		t.Errorf("mount count %d, want 0", n)
	}
}

// mounted reports whether /proc/self/mountinfo lists p as a mount point.
func mounted(t *testing.T, p string) bool {
	t.Helper()
	ms, err := mountinfo.GetMounts(mountinfo.SingleEntryFilter(p))
	if err != nil {
		t.Fatal(err)
	}
	return len(ms) > 0
}

func TestCreateRootfsErrors(t *testing.T) {
	s := newStore(t, "vfs")
	load(t, s, fixtures.ociArchive)
	img, err := s.Resolve(ctx, "busybox:oci")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRootfs(ctx, img.ID, "short", "a"); !errdefs.IsInvalidArgument(err) {
		t.Errorf("bad container ID: %v", err)
	}
	if err := s.CreateRootfs(ctx, ctrID(9), ctrID(1), "a"); !errdefs.IsNotFound(err) {
		t.Errorf("unknown image: %v", err)
	}
	if err := s.CreateRootfs(ctx, img.ID, ctrID(1), "a"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRootfs(ctx, img.ID, ctrID(1), "b"); !errdefs.IsAlreadyExists(err) {
		t.Errorf("duplicate ID: %v", err)
	}
	if err := s.CreateRootfs(ctx, img.ID, ctrID(2), "a"); !errdefs.IsAlreadyExists(err) {
		t.Errorf("duplicate name: %v", err)
	}
	if _, err := s.Mount(ctrID(3)); !errdefs.IsNotFound(err) {
		t.Errorf("Mount of an unknown rootfs: %v", err)
	}
	if err := s.Unmount(ctrID(3), false); !errdefs.IsNotFound(err) {
		t.Errorf("Unmount of an unknown rootfs: %v", err)
	}
}

func TestCloseKeepsMounts(t *testing.T) {
	s := newStore(t, "overlay")
	load(t, s, fixtures.ociArchive)
	img, err := s.Resolve(ctx, "busybox:oci")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRootfs(ctx, img.ID, ctrID(7), "c"); err != nil {
		t.Fatal(err)
	}
	p := mountAndCheck(t, s, ctrID(7), "overlay")
	if err := s.Close(); err != nil {
		t.Fatalf("Close with a mounted rootfs: %v", err)
	}
	if !mounted(t, p) {
		t.Fatal("Close unmounted a rootfs in use")
	}
	s2, err := Open(Config{Root: s.Root(), RunRoot: s.RunRoot(), Driver: "overlay"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.DeleteRootfs(ctrID(7)); err != nil {
		t.Fatal(err)
	}
	checkNotMounted(t, s2, p)
}

// TestDeleteRootfsWhoseLayerWasIncomplete: a process killed while storage
// deleted a container's layer leaves the layer marked incomplete; the
// next store to open deletes it, and the storage container stays with a
// layer storage no longer knows. Removing that rootfs must still finish.
func TestDeleteRootfsWhoseLayerWasIncomplete(t *testing.T) {
	s := newStore(t, "vfs")
	load(t, s, fixtures.dockerArchive)
	img, err := s.Resolve(ctx, "busybox")
	if err != nil {
		t.Fatal(err)
	}
	id := ctrID(9)
	if err := s.CreateRootfs(ctx, img.ID, id, "half"); err != nil {
		t.Fatal(err)
	}
	c, err := s.store.Container(id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.Shutdown(true); err != nil {
		t.Fatal(err)
	}
	markIncomplete(t, filepath.Join(s.Root(), "vfs-layers", "layers.json"), c.LayerID)
	s2, err := Open(Config{Root: s.Root(), RunRoot: s.RunRoot(), Driver: "vfs"})
	if err != nil {
		t.Fatal(err)
	}
	s.store = nil // the first store is shut down; s2 owns the files now
	if err := s2.Unmount(id, true); err != nil {
		t.Errorf("Unmount: %v", err)
	}
	if err := s2.DeleteRootfs(id); err != nil {
		t.Fatalf("DeleteRootfs: %v", err)
	}
	if s2.RootfsExists(id) {
		t.Error("the rootfs is still there")
	}
	if _, err := s2.store.Shutdown(true); err != nil {
		t.Error(err)
	}
}

// markIncomplete sets the incomplete flag of layer id in a layers.json.
func markIncomplete(t *testing.T, path, id string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var layers []map[string]any
	if err := json.Unmarshal(data, &layers); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range layers {
		if l["id"] == id {
			l["flags"], found = map[string]any{"incomplete": true}, true
		}
	}
	if !found {
		t.Fatalf("layer %s not in %s", id, path)
	}
	if data, err = json.Marshal(layers); err == nil {
		err = os.WriteFile(path, data, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// An --rm container's rootfs is volatile (records without fsync, the
// overlay mounted "volatile"), and still mounts, unmounts and goes as any.
func TestRootfsVolatile(t *testing.T) {
	s := newStore(t, "overlay")
	load(t, s, fixtures.dockerArchive)
	img, err := s.Resolve(ctx, "busybox")
	if err != nil {
		t.Fatal(err)
	}
	id, plain := ctrID(3), ctrID(4)
	if _, err := s.CreateRootfsWith(ctx, img.ID, id, "once", RootfsOptions{Volatile: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRootfs(ctx, img.ID, plain, "kept"); err != nil {
		t.Fatal(err)
	}
	for ctr, want := range map[string]bool{id: true, plain: false} {
		c, err := s.store.Container(ctr)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := c.Flags["Volatile"].(bool); got != want {
			t.Errorf("container %s: Volatile flag %v, want %v", ctr[:12], got, want)
		}
	}
	p := mountAndCheck(t, s, id, "overlay")
	mounts, err := mountinfo.GetMounts(mountinfo.SingleEntryFilter(p))
	if err != nil || len(mounts) != 1 {
		t.Fatalf("mount of %s: %v %v", p, mounts, err)
	}
	if !strings.Contains(mounts[0].VFSOptions, "volatile") {
		t.Errorf("the overlay of a volatile rootfs is mounted %q, want the volatile option", mounts[0].VFSOptions)
	}
	if err := s.Unmount(id, false); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRootfs(id); err != nil {
		t.Fatal(err)
	}
	if s.RootfsExists(id) || !s.RootfsExists(plain) {
		t.Error("deleting the volatile rootfs must take it, and only it")
	}
}

// TestCreatedGraph: the Graph CreateRootfsWith hands back, from what it
// made, is the one RootfsGraph reads back from the store: the driver, the
// container's own layer directories (its UpperDir exists) and the image's
// digest, as image inspect gives it.
func TestCreatedGraph(t *testing.T) {
	s := newStore(t, "overlay")
	load(t, s, fixtures.dockerArchive)
	img, err := s.Resolve(ctx, "busybox")
	if err != nil {
		t.Fatal(err)
	}
	made, err := s.CreateRootfsWith(ctx, img.ID, ctrID(8), "graph", RootfsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := s.Inspect(ctx, img.ID)
	if err != nil {
		t.Fatal(err)
	}
	upper := made.Driver.Data["UpperDir"]
	if made.Driver.Name != "overlay" || made.ImageDigest == "" || made.ImageDigest != in.Digest || upper == "" {
		t.Fatalf("made %+v; want overlay, an UpperDir and the image's digest %s", made, in.Digest)
	}
	if st, err := os.Stat(upper); err != nil || !st.IsDir() {
		t.Errorf("UpperDir %s: %v", upper, err)
	}
	stored, err := s.RootfsGraph(ctrID(8))
	if err != nil || !reflect.DeepEqual(stored, made) {
		t.Errorf("RootfsGraph: %+v, %v; want %+v", stored, err, made)
	}
	if _, err := s.RootfsGraph(ctrID(9)); err == nil {
		t.Error("RootfsGraph of a container storage does not have: no error")
	}
}
