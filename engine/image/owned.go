package image

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"go.podman.io/storage"

	"github.com/podunit/podunit/internal/atomicfile"
)

// A storage container made by podunit carries a copy of podunit's record
// of its container, from which system check rebuilds a lost record: in the
// file recordFile of the directory storage keeps for its user
// (ContainerDirectory), its metadata marked podunitRecord. Storage
// containers of other engines (podman, buildah) lack both, and podunit
// leaves them alone. Until 2026-12-05 the copy was the container's big-data
// item RecordKey, which storage keeps by writing its whole container list
// (containers.json) a second time: 3.5 ms of a `create` at 1000 containers.
// Containers made then still carry it and are read as they are.
const (
	RecordKey  = "podunit-record"
	recordFile = "podunit-record.json"
)

// writeRecord keeps record as the copy of container id's record, synced
// unless the container is volatile (an --rm one: after a host crash it is
// to be removed, not rebuilt).
func (s *Store) writeRecord(id string, record []byte, sync bool) error {
	dir, err := s.store.ContainerDirectory(id)
	if err != nil {
		return fmt.Errorf("storage container %s: its directory: %w", id, err)
	}
	write := atomicfile.WriteVolatile
	if sync {
		write = atomicfile.Write
	}
	if err := write(filepath.Join(dir, recordFile), record, 0o600); err != nil {
		return fmt.Errorf("storage container %s: keeping its record: %w", id, err)
	}
	return nil
}

// keepsRecordFile reports whether storage container c's metadata marks
// the record copy as a file of its own (recordFile).
func keepsRecordFile(c *storage.Container) bool {
	var meta containerMetadata
	return json.Unmarshal([]byte(c.Metadata), &meta) == nil && meta.PodunitRecord
}

// ownedRecord is the copy of podunit's record that storage container c
// carries, and whether it is podunit's at all.
func (s *Store) ownedRecord(c *storage.Container) ([]byte, bool, error) {
	if keepsRecordFile(c) {
		dir, err := s.store.ContainerDirectory(c.ID)
		if err != nil {
			return nil, true, ignoreUnknown(c.ID, err)
		}
		rec, err := os.ReadFile(filepath.Join(dir, recordFile))
		if err != nil && !os.IsNotExist(err) { // missing: a create that crashed before writing it
			return nil, true, fmt.Errorf("storage container %s: %w", c.ID, err)
		}
		return rec, true, nil
	}
	if !slices.Contains(c.BigDataNames, RecordKey) {
		return nil, false, nil
	}
	rec, err := s.store.ContainerBigData(c.ID, RecordKey)
	return rec, true, ignoreUnknown(c.ID, err)
}

// ignoreUnknown drops the error of a storage container removed meanwhile.
func ignoreUnknown(id string, err error) error {
	if err == nil || errors.Is(err, storage.ErrContainerUnknown) {
		return nil
	}
	return fmt.Errorf("storage container %s: %w", id, err)
}

// Rootfs is a storage container that podunit created.
type Rootfs struct {
	ID      string
	Name    string // its first name, podunit's container name at create
	ImageID string
	Record  []byte // the copy of the record kept at create
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
	for i := range all {
		c := &all[i]
		rec, ours, err := s.ownedRecord(c)
		if err != nil {
			return nil, err
		}
		if !ours {
			continue
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
	c, err := s.store.Container(containerID)
	if err != nil {
		return fmt.Errorf("storage container %s: %w", containerID, err)
	}
	if keepsRecordFile(c) {
		return s.writeRecord(containerID, record, true)
	}
	if err := s.store.SetContainerBigData(containerID, RecordKey, record); err != nil { // made before recordFile
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
