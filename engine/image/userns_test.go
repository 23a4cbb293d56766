package image

import (
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

func TestRootfsUserNSVFS(t *testing.T) { testRootfsUserNS(t, "vfs") }

func TestRootfsUserNSOverlay(t *testing.T) { testRootfsUserNS(t, "overlay") }

// testRootfsUserNS: a rootfs made for maps keeps them, and its files, seen
// from the host, belong to the mapped IDs (chowned by vfs, idmapped or
// chowned by overlay).
func testRootfsUserNS(t *testing.T, driver string) {
	s := newStore(t, driver)
	load(t, s, fixtures.dockerArchive)
	img, err := s.Resolve(ctx, "busybox")
	if err != nil {
		t.Fatal(err)
	}
	id := ctrID(8)
	uids, gids := []IDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}, []IDMap{{ContainerID: 0, HostID: 200000, Size: 65536}}
	if _, err := s.CreateRootfsWith(ctx, img.ID, id, "mapped", RootfsOptions{UserNS: &UserNS{UIDMap: uids, GIDMap: gids}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.DeleteRootfs(id) })
	gotU, gotG, err := s.RootfsIDMaps(id)
	if err != nil || !slices.Equal(gotU, uids) || !slices.Equal(gotG, gids) {
		t.Errorf("RootfsIDMaps = %v %v %v", gotU, gotG, err)
	}
	p, err := s.Mount(id)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Unmount(id, true) }()
	fi, err := os.Stat(filepath.Join(p, "bin"))
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != 100000 || st.Gid != 200000 {
		t.Errorf("/bin belongs to %d:%d on the host, want 100000:200000", st.Uid, st.Gid)
	}
	plain := ctrID(9)
	if err := s.CreateRootfs(ctx, img.ID, plain, "plain"); err != nil {
		t.Fatal(err)
	}
	if u, g, _ := s.RootfsIDMaps(plain); u != nil || g != nil {
		t.Errorf("a rootfs without maps has %v %v", u, g)
	}
}

func TestReserveUserNS(t *testing.T) {
	s := newStore(t, "vfs")
	id := ctrID(10)
	// no /etc/subuid range for "containers" here: the reservation must fail cleanly
	err := s.ReserveUserNS(id, "podunit-pod-userns-x", &UserNS{Auto: true, AutoSize: 65536})
	if _, statErr := os.Stat("/etc/subuid"); err == nil && statErr != nil {
		t.Fatal("an auto range without /etc/subuid")
	}
	if err != nil {
		if s.RootfsExists(id) {
			t.Errorf("a failed reservation left its storage container")
		}
		return
	}
	u, g, err := s.RootfsIDMaps(id)
	if err != nil || len(u) == 0 || len(g) == 0 || u[0].Size != 65536 {
		t.Errorf("reserved maps %v %v %v", u, g, err)
	}
	if err := s.DeleteRootfs(id); err != nil || s.RootfsExists(id) {
		t.Errorf("DeleteRootfs: %v", err)
	}
}
