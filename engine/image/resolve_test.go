package image

import (
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestResolve(t *testing.T) {
	s := newStore(t, "vfs")
	load(t, s, fixtures.dockerArchive)
	in, err := s.Inspect(ctx, "localhost/busybox:latest")
	if err != nil {
		t.Fatal(err)
	}
	id := in.ID
	cases := map[string]string{ // given → Image.Name
		"busybox":                        "localhost/busybox:latest",
		"busybox:latest":                 "localhost/busybox:latest",
		"localhost/busybox":              "localhost/busybox:latest",
		"localhost/busybox:latest":       "localhost/busybox:latest",
		"localhost/busybox@" + in.Digest: "localhost/busybox@" + in.Digest,
		id:                               id,
		"sha256:" + id:                   id,
		id[:3]:                           id,
		id[:12]:                          id,
	}
	for given, wantName := range cases {
		img, err := s.Resolve(ctx, given)
		if err != nil || img.ID != id || img.Name != wantName {
			t.Errorf("Resolve(%q) = %+v, %v; want %s named %q", given, img, err, id, wantName)
		}
	}
	for _, missing := range []string{"nosuch", "busybox:2", "quay.io/busybox", "ffff" + id[4:], "otherhost/busybox"} {
		_, err := s.Resolve(ctx, missing)
		if !errdefs.IsNotFound(err) || !strings.Contains(err.Error(), `"`+missing+`"`) {
			t.Errorf("Resolve(%q) = %v, want not found naming it", missing, err)
		}
	}
	if _, err := s.Resolve(ctx, "Not/Valid"); !errdefs.IsInvalidArgument(err) {
		t.Errorf("Resolve of an invalid name: %v, want invalid argument", err)
	}
}

func TestResolveShortNameAcrossRegistries(t *testing.T) {
	s := newStore(t, "vfs")
	id, err := s.Import(ctx, fixtures.rootfsTar, "quay.io/x/tool:1")
	if err != nil {
		t.Fatal(err)
	}
	for _, given := range []string{"tool:1", "x/tool:1", "quay.io/x/tool:1"} {
		if img, err := s.Resolve(ctx, given); err != nil || img.ID != id || img.Name != "quay.io/x/tool:1" {
			t.Errorf("Resolve(%q) = %+v, %v", given, img, err)
		}
	}
	if _, err := s.Resolve(ctx, "tool"); !errdefs.IsNotFound(err) {
		t.Errorf("Resolve(tool) (tag latest) = %v, want not found", err)
	}
	other, err := s.Import(ctx, fixtures.rootfsTar, "docker.io/library/tool:1")
	if err != nil {
		t.Fatal(err)
	}
	if other == id {
		t.Fatal("two imports gave one ID")
	}
	if _, err := s.Resolve(ctx, "tool:1"); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "ambiguous") {
		t.Errorf("Resolve of an ambiguous short name: %v", err)
	}
	if err := s.Tag(ctx, id, "tool:1"); err != nil {
		t.Fatal(err)
	}
	// localhost wins over other registries.
	if img, err := s.Resolve(ctx, "tool:1"); err != nil || img.ID != id || img.Name != "localhost/tool:1" {
		t.Errorf("Resolve(tool:1) with a localhost name = %+v, %v", img, err)
	}
}
