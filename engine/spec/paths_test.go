package spec

import (
	"path/filepath"
	"slices"
	"testing"

	"go.podman.io/common/pkg/config"
)

// The lists copied from podman's config stay equal to it (engine/spec does
// not import pkg/config: it would link containers/storage).
func TestListsMatchPodman(t *testing.T) {
	if !slices.Equal(defaultCapabilities, config.DefaultCapabilities) {
		t.Errorf("capabilities %v, podman %v", defaultCapabilities, config.DefaultCapabilities)
	}
	if !slices.Equal(readonlyPaths, config.DefaultReadOnlyPaths) {
		t.Errorf("readonly paths %v, podman %v", readonlyPaths, config.DefaultReadOnlyPaths)
	}
	globbed, _ := filepath.Glob(thermalThrottleGlob)
	if want := config.DefaultMaskedPaths(); !slices.Equal(slices.Concat(maskedPaths, globbed), want) {
		t.Errorf("masked paths %v + %v, podman %v", maskedPaths, globbed, want)
	}
}
