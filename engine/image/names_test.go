package image

import (
	"strings"
	"testing"

	"go.podman.io/image/v5/docker/reference"
)

// TestWithDefaultTag: ref.withDefaultTag says what reference.TagNameOnly says,
// for names with and without tag and digest.
func TestWithDefaultTag(t *testing.T) {
	for _, name := range []string{"localhost/bb", "localhost/bb:1", "docker.io/library/busybox",
		"quay.io/a/b/c:v2", "localhost:5000/x", "localhost:5000/x:y",
		"localhost/bb@sha256:" + strings.Repeat("a", 64), "localhost/bb:1@sha256:" + strings.Repeat("b", 64)} {
		named, err := reference.ParseNormalizedNamed(name)
		if err != nil {
			t.Fatal(err)
		}
		r, err := parseNormalized(name)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := r.withDefaultTag(), reference.TagNameOnly(named).String(); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}
