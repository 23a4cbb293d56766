package image

import (
	"errors"
	"fmt"

	"go.podman.io/storage"
)

// MountImage mounts the file system of the image with ID id read-only
// (counted: each MountImage needs an UnmountImage) and returns its path,
// for a container's --mount type=image.
func (s *Store) MountImage(id string) (string, error) {
	if err := s.open(); err != nil {
		return "", err
	}
	p, err := s.store.MountImage(id, []string{"ro"}, "")
	if err != nil {
		return "", fmt.Errorf("mounting image %s: %w", id, err)
	}
	return p, nil
}

// UnmountImage releases one MountImage of the image. An image that is not
// mounted, or is gone, is not an error.
func (s *Store) UnmountImage(id string) error {
	if err := s.open(); err != nil {
		return err
	}
	_, err := s.store.UnmountImage(id, false)
	if err != nil && !errors.Is(err, storage.ErrLayerNotMounted) && !errors.Is(err, storage.ErrImageUnknown) {
		return fmt.Errorf("unmounting image %s: %w", id, err)
	}
	return nil
}
