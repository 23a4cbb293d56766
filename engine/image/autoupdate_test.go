package image

import (
	"slices"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/test/testimage"
)

// TestRegistryDigest: the registry's digest for a tag is one of the pulled
// image's digests until another image is pushed to the tag; nothing is
// pulled by asking.
func TestRegistryDigest(t *testing.T) {
	rf := startRegistry(t)
	ref := rf.host + "/podunit/app:latest"
	v1 := testimage.PushImage(t, ref, testimage.Config{Labels: map[string]string{"v": "1"}})
	s := newStore(t, "vfs")
	if _, err := rf.pull(s, ref, PullAlways); err != nil {
		t.Fatal(err)
	}
	digests, err := s.Digests(v1)
	if err != nil || len(digests) == 0 {
		t.Fatalf("Digests(%s) = %v, %v", v1, digests, err)
	}
	remote, err := s.RegistryDigest(ctx, ref, rf.reg)
	if err != nil || !slices.Contains(digests, remote) {
		t.Fatalf("RegistryDigest = %q, %v; want one of %v", remote, err, digests)
	}
	testimage.PushImage(t, ref, testimage.Config{Labels: map[string]string{"v": "2"}})
	remote, err = s.RegistryDigest(ctx, ref, rf.reg)
	if err != nil || slices.Contains(digests, remote) || !strings.HasPrefix(remote, "sha256:") {
		t.Fatalf("after a push RegistryDigest = %q, %v; want a new digest", remote, err)
	}
	if img, err := s.Resolve(ctx, ref); err != nil || img.ID != v1 {
		t.Errorf("asking pulled something: %s resolves to %+v, %v", ref, img, err)
	}
	// a HEAD's 404 has no error body: containers/image's error for it is
	// not one registryClass can tell apart from other statuses
	if _, err := s.RegistryDigest(ctx, rf.host+"/podunit/nothere:1", rf.reg); err == nil || !strings.Contains(err.Error(), "podunit/nothere:1") {
		t.Errorf("a missing repository: %v, want an error naming it", err)
	}
	if _, err := s.Digests(strings.Repeat("0", 64)); !errdefs.IsNotFound(err) {
		t.Errorf("Digests of an unknown ID: %v", err)
	}
}

// TestRootfsImageID: the storage container says which image it was made
// from; a missing one is "".
func TestRootfsImageID(t *testing.T) {
	s := newStore(t, "vfs")
	load(t, s, fixtures.dockerArchive)
	img, err := s.Resolve(ctx, "localhost/busybox:latest")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRootfs(ctx, img.ID, ctrID(1), "web"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.RootfsImageID(ctrID(1)); err != nil || got != img.ID {
		t.Errorf("RootfsImageID = %q, %v; want %s", got, err, img.ID)
	}
	if got, err := s.RootfsImageID(ctrID(2)); err != nil || got != "" {
		t.Errorf("RootfsImageID of none = %q, %v", got, err)
	}
}

func TestCheckUpdatable(t *testing.T) {
	for _, ok := range []string{"quay.io/podman/stable:latest", "quay.io/podman/stable", "localhost/app:1",
		"127.0.0.1:5000/a/b:c", "docker://docker.io/library/busybox:1"} {
		if err := CheckUpdatable(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"busybox", "library/busybox:1", "quay.io/app@sha256:" + strings.Repeat("a", 64),
		strings.Repeat("a", 64), "Quay.io/UPPER:1", ""} {
		if err := CheckUpdatable(bad); !errdefs.IsInvalidArgument(err) {
			t.Errorf("%q: %v, want an invalid argument", bad, err)
		}
	}
}
