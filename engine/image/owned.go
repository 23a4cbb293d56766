package image

import (
	"errors"
	"fmt"
	"slices"

	"go.podman.io/storage"
)

// RecordKey names the copy of podunit's container record that a storage
// container created by podunit carries. Storage containers of other
// engines (podman, buildah) lack it, and podunit leaves them alone.
const RecordKey = "podunit-record"

// Rootfs is a storage container that podunit created.
type Rootfs struct {
	ID      string
	Name    string // its first name, podunit's container name at create
	ImageID string
	Record  []byte // the copy of the record kept at create (RecordKey)
}

// OwnedRootfs lists the storage containers that carry podunit's record.
func (s *Store) OwnedRootfs() ([]Rootfs, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	all, err := s.store.Containers()
	if err != nil {
		return nil, fmt.Errorf("listing storage containers: %w", err)
	}
	var out []Rootfs
	for _, c := range all {
		if !slices.Contains(c.BigDataNames, RecordKey) {
			continue
		}
		rec, err := s.store.ContainerBigData(c.ID, RecordKey)
		if err != nil && !errors.Is(err, storage.ErrContainerUnknown) {
			return nil, fmt.Errorf("storage container %s: %w", c.ID, err)
		}
		r := Rootfs{ID: c.ID, ImageID: c.ImageID, Record: rec}
		if len(c.Names) > 0 {
			r.Name = c.Names[0]
		}
		out = append(out, r)
	}
	return out, nil
}

// SetRecord replaces the copy of the record a storage container carries
// (a rename must keep it current, or a rebuilt record has the old name).
func (s *Store) SetRecord(containerID string, record []byte) error {
	if err := s.open(); err != nil {
		return err
	}
	if err := s.store.SetContainerBigData(containerID, RecordKey, record); err != nil {
		return fmt.Errorf("storage container %s: keeping its record: %w", containerID, err)
	}
	return nil
}

// HasImage reports whether the image with exactly this ID exists.
func (s *Store) HasImage(imageID string) bool {
	if s.open() != nil {
		return false
	}
	img, err := s.store.Image(imageID)
	return err == nil && img.ID == imageID
}

// RootfsSize is the size of what the container wrote over its image.
func (s *Store) RootfsSize(containerID string) (int64, error) {
	if err := s.open(); err != nil {
		return 0, err
	}
	n, err := s.store.ContainerSize(containerID)
	if err != nil {
		return 0, fmt.Errorf("storage container %s: size: %w", containerID, err)
	}
	return n, nil
}

// RemoveUnused deletes the image with this ID, all its names, unless a
// storage container (of any engine) uses it; removed says whether it did.
func (s *Store) RemoveUnused(imageID string) (removed bool, err error) {
	if err := s.open(); err != nil {
		return false, err
	}
	users, err := s.containersOf(imageID)
	if err != nil || len(users) > 0 {
		return false, err
	}
	if _, err := s.store.DeleteImage(imageID, true); err != nil {
		if errors.Is(err, storage.ErrImageUsedByContainer) || errors.Is(err, storage.ErrImageUnknown) {
			return false, nil
		}
		return false, fmt.Errorf("removing image %s: %w", imageID, err)
	}
	return true, nil
}
