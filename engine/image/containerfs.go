package image

import (
	"fmt"
	"io"
	"sort"

	"go.podman.io/storage/pkg/archive"
)

// Change is one path a container changed against its image: Kind is "A"
// (added), "C" (changed) or "D" (deleted), as `podman diff` prints them.
type Change struct {
	Kind, Path string
}

// Changes lists what the container's rootfs changed against its image,
// sorted by path. It needs no mount.
func (s *Store) Changes(containerID string) ([]Change, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	layer, err := s.containerLayer(containerID)
	if err != nil {
		return nil, err
	}
	raw, err := s.store.Changes("", layer)
	if err != nil {
		return nil, fmt.Errorf("changes of container %s: %w", containerID, err)
	}
	out := make([]Change, 0, len(raw))
	for _, c := range raw {
		out = append(out, Change{Kind: c.Kind.String(), Path: c.Path})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// containerLayer is the read-write layer of the container's rootfs.
func (s *Store) containerLayer(containerID string) (string, error) {
	c, err := s.store.Container(containerID)
	if err != nil || c.ID != containerID {
		return "", rootfsNotFound(containerID)
	}
	return c.LayerID, nil
}

// Mounted is how many times the container's rootfs is mounted.
func (s *Store) Mounted(containerID string) (int, error) {
	if err := s.open(); err != nil {
		return 0, err
	}
	if !s.RootfsExists(containerID) {
		return 0, rootfsNotFound(containerID)
	}
	n, err := s.store.Mounted(containerID)
	if err != nil {
		return 0, fmt.Errorf("rootfs of container %s: mount count: %w", containerID, err)
	}
	return n, nil
}

// Export writes the container's whole rootfs to w as an uncompressed tar
// (as `podman export`), mounting it for the time it takes.
func (s *Store) Export(containerID string, w io.Writer) (err error) {
	if err := s.open(); err != nil {
		return err
	}
	root, err := s.Mount(containerID)
	if err != nil {
		return err
	}
	defer func() {
		if uerr := s.Unmount(containerID, false); err == nil {
			err = uerr
		}
	}()
	r, err := archive.TarWithOptions(root, &archive.TarOptions{Compression: archive.Uncompressed})
	if err != nil {
		return fmt.Errorf("exporting container %s: %w", containerID, err)
	}
	defer r.Close()
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("exporting container %s: %w", containerID, err)
	}
	return nil
}

// RenameRootfs gives the container's storage record its new name, so that
// `podman ps --external` and buildah see the same name as podunit.
func (s *Store) RenameRootfs(containerID, name string) error {
	if err := s.open(); err != nil {
		return err
	}
	if !s.RootfsExists(containerID) {
		return rootfsNotFound(containerID)
	}
	c, err := s.store.Container(containerID)
	if err != nil {
		return fmt.Errorf("renaming rootfs of container %s: %w", containerID, err)
	}
	if err := s.store.RemoveNames(containerID, c.Names); err != nil {
		return fmt.Errorf("renaming rootfs of container %s: %w", containerID, err)
	}
	if err := s.store.AddNames(containerID, []string{name}); err != nil {
		return fmt.Errorf("renaming rootfs of container %s: %w", containerID, err)
	}
	return nil
}
