package image

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.podman.io/storage"
	"golang.org/x/sys/unix"
)

func TestOwnedRootfsCarryTheirRecord(t *testing.T) {
	s := newStore(t, "vfs")
	load(t, s, fixtures.dockerArchive)
	img, err := s.Resolve(ctx, "busybox")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRootfs(ctx, img.ID, ctrID(1), "foreign"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRootfsRecord(ctx, img.ID, ctrID(2), "ours", []byte(`{"v":1}`)); err != nil {
		t.Fatal(err)
	}
	// made by a podunit before the record moved to its own file: storage's
	// big-data item
	if _, err := s.store.CreateContainer(ctrID(3), []string{"older"}, img.ID, "", "",
		&storage.ContainerOptions{BigData: []storage.ContainerBigDataOption{{Key: RecordKey, Data: []byte(`{"v":"old"}`)}}}); err != nil {
		t.Fatal(err)
	}
	owned, err := s.OwnedRootfs()
	if err != nil || len(owned) != 2 {
		t.Fatalf("OwnedRootfs = %+v, %v; want ours and the older one", owned, err)
	}
	byID := map[string]Rootfs{owned[0].ID: owned[0], owned[1].ID: owned[1]}
	if r := byID[ctrID(2)]; r.Name != "ours" || string(r.Record) != `{"v":1}` || r.ImageID != img.ID {
		t.Errorf("ours: %+v", r)
	}
	if r := byID[ctrID(3)]; r.Name != "older" || string(r.Record) != `{"v":"old"}` {
		t.Errorf("the older one: %+v", r)
	}
	c, err := s.store.Container(ctrID(2))
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(c.BigDataNames, RecordKey) {
		t.Errorf("the new copy is a big-data item again (storage writes containers.json twice for it)")
	}
	dir, err := s.store.ContainerDirectory(ctrID(2))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, recordFile)); err != nil || string(b) != `{"v":1}` {
		t.Errorf("%s: %q, %v", recordFile, b, err)
	}
	for id, want := range map[string]string{ctrID(2): `{"v":2}`, ctrID(3): `{"v":"old2"}`} {
		if err := s.SetRecord(id, []byte(want)); err != nil {
			t.Fatal(err)
		}
	}
	owned, _ = s.OwnedRootfs()
	for _, r := range owned {
		if want := map[string]string{ctrID(2): `{"v":2}`, ctrID(3): `{"v":"old2"}`}[r.ID]; string(r.Record) != want {
			t.Errorf("SetRecord did not replace %s's copy: %s, want %s", r.ID, r.Record, want)
		}
	}
	if removed, err := s.RemoveUnused(img.ID); removed || err != nil {
		t.Errorf("RemoveUnused of an image in use: %v, %v", removed, err)
	}
	for _, id := range []string{ctrID(1), ctrID(2), ctrID(3)} {
		if err := s.DeleteRootfs(id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the record's directory outlives its storage container: %v", err)
	}
	if removed, err := s.RemoveUnused(img.ID); !removed || err != nil || s.HasImage(img.ID) {
		t.Errorf("RemoveUnused of an unused image: %v, %v", removed, err)
	}
}

// TestCreateRootfsWritesTheListOnce: a rootfs with its record copy costs
// storage one write of its container list, not two: at 1000 containers
// each write is 0.7 MB encoded, written and synced. Storage writes the list
// to a temporary file of a fresh name and renames it into place; the
// creations of those files are counted (inotify merges two renames onto
// one name into one event, so the renames cannot be).
func TestCreateRootfsWritesTheListOnce(t *testing.T) {
	s := newStore(t, "vfs")
	load(t, s, fixtures.dockerArchive)
	img, err := s.Resolve(ctx, "busybox")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRootfs(ctx, img.ID, ctrID(1), "first"); err != nil { // the list exists
		t.Fatal(err)
	}
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	dir := filepath.Join(s.Root(), "vfs-containers")
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_CREATE); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRootfsRecord(ctx, img.ID, ctrID(2), "second", []byte(`{"v":1}`)); err != nil {
		t.Fatal(err)
	}
	writes := 0
	buf := make([]byte, 64*1024)
	for {
		n, err := unix.Read(fd, buf)
		if n <= 0 || err != nil {
			break
		}
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			nameLen := int(binary.NativeEndian.Uint32(buf[off+12:])) // struct inotify_event's len
			name := strings.TrimRight(string(buf[off+unix.SizeofInotifyEvent:off+unix.SizeofInotifyEvent+nameLen]), "\x00")
			if strings.HasPrefix(name, ".tmp-containers.json") {
				writes++
			}
			off += unix.SizeofInotifyEvent + nameLen
		}
	}
	if writes != 1 {
		t.Errorf("containers.json was written %d times for one rootfs with its record, want 1", writes)
	}
}
