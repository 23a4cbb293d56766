package image

import (
	"reflect"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestTagThenRemoveOneName(t *testing.T) {
	s := newStore(t, "vfs")
	load(t, s, fixtures.dockerArchive)
	img, err := s.Resolve(ctx, "busybox")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Tag(ctx, "busybox", "other:1"); err != nil {
		t.Fatal(err)
	}
	in, err := s.Inspect(ctx, "localhost/other:1")
	if err != nil || in.ID != img.ID || !reflect.DeepEqual(sorted(in.RepoTags), []string{"localhost/busybox:latest", "localhost/other:1"}) {
		t.Fatalf("after Tag: %+v, %v", in, err)
	}
	if err := s.Remove(ctx, img.ID, false); !errdefs.IsConflict(err) {
		t.Errorf("Remove by ID of an image with two names: %v, want conflict", err)
	}
	if err := s.Remove(ctx, "other:1", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Resolve(ctx, "other:1"); !errdefs.IsNotFound(err) {
		t.Errorf("Resolve of the removed name: %v, want not found", err)
	}
	in, err = s.Inspect(ctx, "busybox")
	if err != nil || in.ID != img.ID || !reflect.DeepEqual(in.RepoTags, []string{"localhost/busybox:latest"}) {
		t.Fatalf("after untag: %+v, %v", in, err)
	}
	if err := s.Remove(ctx, "busybox", false); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.List(ctx); len(list) != 0 {
		t.Errorf("after Remove: %+v", list)
	}
	if layers, _ := s.store.Layers(); len(layers) != 0 {
		t.Errorf("layers left: %d", len(layers))
	}
}

func TestTagErrors(t *testing.T) {
	s := newStore(t, "vfs")
	load(t, s, fixtures.ociArchive)
	if err := s.Tag(ctx, "nosuch", "x"); !errdefs.IsNotFound(err) || !strings.Contains(err.Error(), `"nosuch"`) {
		t.Errorf("Tag of a missing image: %v", err)
	}
	if err := s.Tag(ctx, "busybox:oci", "Upper"); !errdefs.IsInvalidArgument(err) {
		t.Errorf("Tag with an invalid name: %v", err)
	}
	if err := s.Remove(ctx, "nosuch", true); !errdefs.IsNotFound(err) {
		t.Errorf("Remove of a missing image: %v", err)
	}
}

func TestRemoveInUse(t *testing.T) {
	s := newStore(t, "vfs")
	load(t, s, fixtures.dockerArchive)
	img, err := s.Resolve(ctx, "busybox")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRootfs(ctx, img.ID, ctrID(1), "web"); err != nil {
		t.Fatal(err)
	}
	err = s.Remove(ctx, "busybox", false)
	if !errdefs.IsConflict(err) || !strings.Contains(err.Error(), ctrID(1)) {
		t.Fatalf("Remove of an image in use: %v, want conflict naming the container", err)
	}
	if _, err := s.Resolve(ctx, img.ID); err != nil {
		t.Fatalf("image gone after a refused Remove: %v", err)
	}
	if err := s.Remove(ctx, "busybox", true); err != nil {
		t.Fatal(err)
	}
	if s.RootfsExists(ctrID(1)) {
		t.Error("forced Remove left the container's rootfs")
	}
	if _, err := s.Resolve(ctx, img.ID); !errdefs.IsNotFound(err) {
		t.Errorf("image still there after forced Remove: %v", err)
	}
}

// ctrID is a 64-hex container ID made of the digit n.
func ctrID(n int) string {
	return strings.Repeat(string(rune('0'+n)), 64)
}
