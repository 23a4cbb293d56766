package image

import (
	"fmt"
	"slices"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
)

// Digests are the manifest digests the local image with ID id was pulled
// or pushed as.
func (s *Store) Digests(id string) ([]string, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	img, err := s.store.Image(id)
	if err != nil || img.ID != id {
		return nil, fmt.Errorf("image ID %q not found: %w", id, errdefs.ErrNotFound)
	}
	var out []string
	for _, d := range img.Digests {
		out = append(out, d.String())
	}
	if img.Digest != "" && !slices.Contains(out, img.Digest.String()) {
		out = append(out, img.Digest.String())
	}
	return out, nil
}

// RootfsImageID is the ID of the image the storage container containerID
// was made from; "" when there is no such storage container.
func (s *Store) RootfsImageID(containerID string) (string, error) {
	if err := s.open(); err != nil {
		return "", err
	}
	if !s.RootfsExists(containerID) {
		return "", nil
	}
	c, err := s.store.Container(containerID)
	if err != nil {
		return "", fmt.Errorf("rootfs of container %s: %w", containerID, err)
	}
	return c.ImageID, nil
}

// CheckUpdatable refuses a name the registry auto-update policy cannot
// follow, as Podman does: it must name a registry, and a tag if any (a
// short name, an ID or a digest would not say what to check and pull).
func CheckUpdatable(name string) error {
	name = strings.TrimPrefix(name, "docker://")
	r, err := parseRef(name)
	if err != nil || !hasDomain(name) {
		return fmt.Errorf("image %q: the registry auto-update policy needs a fully qualified name (registry/repository:tag): %w",
			name, errdefs.ErrInvalidArgument)
	}
	if r.digest != "" {
		return fmt.Errorf("image %q: the registry auto-update policy needs a tag, not a digest: %w", name, errdefs.ErrInvalidArgument)
	}
	return nil
}
