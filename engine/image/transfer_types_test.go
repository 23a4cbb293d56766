package image

import (
	"slices"
	"testing"

	"go.podman.io/image/v5/directory"
	dockerarchive "go.podman.io/image/v5/docker/archive"
	ociarchive "go.podman.io/image/v5/oci/archive"
	ocilayout "go.podman.io/image/v5/oci/layout"
)

// TestPullTransportNames: the core names the local transports without
// linking them; the names must be containers/image's own.
func TestPullTransportNames(t *testing.T) {
	want := []string{dockerarchive.Transport.Name(), ociarchive.Transport.Name(),
		ocilayout.Transport.Name(), directory.Transport.Name()}
	if !slices.Equal(pullTransports, want) {
		t.Fatalf("pullTransports = %q, want containers/image's %q", pullTransports, want)
	}
}
