package image

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"go.podman.io/storage"
)

// containerMetadata is podman's storage-container metadata, so that
// `podman ps --external` can show podunit's rootfs for what they are.
type containerMetadata struct {
	ImageName  string `json:"image-name"`
	ImageID    string `json:"image-id"`
	Name       string `json:"name"`
	CreatedAt  int64  `json:"created-at"`
	MountLabel string `json:"mountlabel,omitempty"`
	// PodunitRecord marks a storage container whose directory holds the
	// copy of podunit's record (recordFile); Podman ignores the field.
	PodunitRecord bool `json:"podunit-record,omitempty"`
}

// CreateRootfs creates the storage container with ID containerID (64 hex
// digits, podunit's own container ID) on the image with ID imageID.
func (s *Store) CreateRootfs(ctx context.Context, imageID, containerID, containerName string) error {
	if err := s.open(); err != nil {
		return err
	}
	return s.CreateRootfsRecord(ctx, imageID, containerID, containerName, nil)
}

// CreateRootfsRecord is CreateRootfs that keeps record, if not nil, with
// the storage container (RecordKey): it marks the storage container as
// podunit's and lets a lost state record be rebuilt.
func (s *Store) CreateRootfsRecord(ctx context.Context, imageID, containerID, containerName string, record []byte) error {
	if err := s.open(); err != nil {
		return err
	}
	_, err := s.CreateRootfsWith(ctx, imageID, containerID, containerName, RootfsOptions{Record: record})
	return err
}

// RootfsOptions are the choices CreateRootfsWith takes.
type RootfsOptions struct {
	// Record is kept with the storage container (RecordKey), if not nil.
	Record []byte
	// UserNS: the rootfs's files belong to this user namespace (nil: the
	// host's IDs).
	UserNS *UserNS
	// Volatile: the storage container's records are written without fsync
	// and its overlay mounted "volatile" (no sync at unmount), as Podman
	// makes --rm containers: after a host crash such a container may be
	// gone or damaged, and an --rm container is to be removed anyway.
	Volatile bool
}

// CreateRootfsWith is CreateRootfsRecord with the choices o makes. It
// returns the Graph of what it made, from the storage container and image
// it holds already.
func (s *Store) CreateRootfsWith(ctx context.Context, imageID, containerID, containerName string, o RootfsOptions) (*Graph, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	if len(containerID) != 64 || !isHex(containerID) {
		return nil, fmt.Errorf("container ID %q is not 64 hex digits: %w", containerID, errdefs.ErrInvalidArgument)
	}
	img, err := s.store.Image(imageID)
	if err != nil || img.ID != imageID {
		return nil, fmt.Errorf("image ID %q not found: %w", imageID, errdefs.ErrNotFound)
	}
	meta := containerMetadata{ImageID: img.ID, Name: containerName, CreatedAt: time.Now().Unix(), PodunitRecord: o.Record != nil}
	if len(img.Names) > 0 {
		meta.ImageName = img.Names[0]
	}
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return nil, fmt.Errorf("container %s: metadata: %w", containerID, err)
	}
	var names []string
	if containerName != "" {
		names = []string{containerName}
	}
	opts := &storage.ContainerOptions{IDMappingOptions: idMappingOptions(o.UserNS), Volatile: o.Volatile}
	c, err := s.store.CreateContainer(containerID, names, img.ID, "", string(metaJSON), opts)
	if errors.Is(err, storage.ErrDuplicateID) || errors.Is(err, storage.ErrDuplicateName) {
		return nil, fmt.Errorf("rootfs for container %q (%s): %w: %w", containerName, containerID, errdefs.ErrAlreadyExists, err)
	}
	if err != nil {
		return nil, fmt.Errorf("creating rootfs for container %q (%s): %w", containerName, containerID, err)
	}
	if o.Record != nil {
		if err := s.writeRecord(c.ID, o.Record, !o.Volatile); err != nil {
			_ = s.store.DeleteContainer(c.ID) // nothing half made stays
			return nil, fmt.Errorf("creating rootfs for container %q (%s): %w", containerName, containerID, err)
		}
	}
	return &Graph{Driver: s.layerGraph(c.LayerID), ImageDigest: img.Digest.String()}, nil
}

// Mount mounts the container's rootfs (counted: each Mount needs an Unmount)
// and returns its path.
func (s *Store) Mount(containerID string) (string, error) {
	if err := s.open(); err != nil {
		return "", err
	}
	if !s.RootfsExists(containerID) {
		return "", rootfsNotFound(containerID)
	}
	p, err := s.store.Mount(containerID, "")
	if err != nil {
		return "", fmt.Errorf("mounting rootfs of container %s: %w", containerID, err)
	}
	return p, nil
}

// Unmount releases one Mount of the container's rootfs, or all of them with
// force. Unmounting a rootfs that is not mounted is not an error.
func (s *Store) Unmount(containerID string, force bool) error {
	if err := s.open(); err != nil {
		return err
	}
	if !s.RootfsExists(containerID) {
		return rootfsNotFound(containerID)
	}
	n, err := s.store.Mounted(containerID)
	if errors.Is(err, storage.ErrLayerUnknown) {
		// a deletion killed mid-way left the layer incomplete and a later
		// open dropped it: nothing of it is mounted any more
		return nil
	}
	if err != nil {
		return fmt.Errorf("rootfs of container %s: mount count: %w", containerID, err)
	}
	if n == 0 { // storage would count below zero
		return nil
	}
	_, err = s.store.Unmount(containerID, force)
	if err != nil && !errors.Is(err, storage.ErrLayerNotMounted) {
		return fmt.Errorf("unmounting rootfs of container %s: %w", containerID, err)
	}
	return nil
}

// DeleteRootfs unmounts and deletes the container's rootfs. A missing
// rootfs is not an error, so a re-run after a crash completes the job.
// Storage's DeleteContainer unmounts the layer itself, as many times as it
// is counted mounted (podunit mount, a running container), before it
// deletes it: no unmount of ours first.
func (s *Store) DeleteRootfs(containerID string) error {
	if err := s.open(); err != nil {
		return err
	}
	if !s.RootfsExists(containerID) {
		return nil
	}
	err := s.store.DeleteContainer(containerID)
	if err != nil && !errors.Is(err, storage.ErrContainerUnknown) {
		return fmt.Errorf("deleting rootfs of container %s: %w", containerID, err)
	}
	return nil
}

// StorageContainerID is the ID of the storage container named or with ID
// (or unique ID prefix) nameOrID, whoever made it.
func (s *Store) StorageContainerID(nameOrID string) (string, error) {
	if err := s.open(); err != nil {
		return "", err
	}
	c, err := s.store.Container(nameOrID)
	if err != nil {
		return "", fmt.Errorf("storage container %q: %w: %w", nameOrID, errdefs.ErrNotFound, err)
	}
	return c.ID, nil
}

// RootfsExists reports whether the storage container with exactly this ID exists.
func (s *Store) RootfsExists(containerID string) bool {
	if s.open() != nil {
		return false
	}
	c, err := s.store.Container(containerID)
	return err == nil && c.ID == containerID
}

func rootfsNotFound(containerID string) error {
	return fmt.Errorf("rootfs of container %s not found: %w", containerID, errdefs.ErrNotFound)
}

// MountOnce mounts the container's rootfs unless it is mounted already,
// and returns its path: however often it is called, one Unmount (or a
// forced one) releases it. Callers serialise calls for one container.
func (s *Store) MountOnce(containerID string) (string, error) {
	if err := s.open(); err != nil {
		return "", err
	}
	n, err := s.store.Mounted(containerID)
	if err != nil && s.RootfsExists(containerID) {
		return "", fmt.Errorf("rootfs of container %s: mount count: %w", containerID, err)
	}
	p, err := s.Mount(containerID)
	if err == nil && n > 0 {
		_, err = s.store.Unmount(containerID, false) // back to the count before
	}
	return p, err
}
