package image

import (
	"fmt"

	"go.podman.io/storage"
	"go.podman.io/storage/pkg/idtools"

	"github.com/podunit/podunit/engine/errdefs"
)

// IDMap is one range of a user namespace: Size IDs from ContainerID inside
// map to Size IDs from HostID outside.
type IDMap struct {
	ContainerID, HostID, Size int
}

// UserNS asks for a rootfs whose files belong to a user namespace's IDs:
// explicit maps, or (Auto) a range containers/storage picks from the
// /etc/subuid and /etc/subgid ranges of the user "containers", not used by
// any other container, as Podman's --userns=auto.
type UserNS struct {
	UIDMap, GIDMap []IDMap
	Auto           bool
	AutoSize       uint32  // 0: as many IDs as the image's files need
	AutoUIDMap     []IDMap // Auto: ranges that must be in the namespace
	AutoGIDMap     []IDMap
}

// SubIDMaps returns the ranges /etc/subuid gives user subUID and
// /etc/subgid gives group subGID, mapped from container ID 0 on, as
// Podman's --subuidname and --subgidname.
func SubIDMaps(subUID, subGID string) (uids, gids []IDMap, err error) {
	m, err := idtools.NewIDMappings(subUID, subGID)
	if err != nil {
		return nil, nil, fmt.Errorf("no subordinate IDs for %q/%q in /etc/subuid and /etc/subgid: %w: %w", subUID, subGID, errdefs.ErrInvalidArgument, err)
	}
	return fromStorage(m.UIDs()), fromStorage(m.GIDs()), nil
}

// RootfsIDMaps returns the ID maps the container's rootfs was made for
// (empty: the host's IDs).
func (s *Store) RootfsIDMaps(containerID string) (uids, gids []IDMap, err error) {
	if err := s.open(); err != nil {
		return nil, nil, err
	}
	c, err := s.store.Container(containerID)
	if err != nil || c.ID != containerID {
		return nil, nil, rootfsNotFound(containerID)
	}
	return fromStorage(c.UIDMap), fromStorage(c.GIDMap), nil
}

// idMappingOptions turns ns into containers/storage's options: storage
// chowns the container's layer, or mounts it idmapped where the driver
// and kernel can.
func idMappingOptions(ns *UserNS) storage.IDMappingOptions {
	if ns == nil {
		return storage.IDMappingOptions{} // as before user namespaces: the image's
	}
	o := storage.IDMappingOptions{UIDMap: toStorage(ns.UIDMap), GIDMap: toStorage(ns.GIDMap), AutoUserNs: ns.Auto}
	o.HostUIDMapping = len(o.UIDMap) == 0 && !ns.Auto
	o.HostGIDMapping = len(o.GIDMap) == 0 && !ns.Auto
	if ns.Auto {
		o.AutoUserNsOpts.Size = ns.AutoSize
		o.AutoUserNsOpts.AdditionalUIDMappings = toStorage(ns.AutoUIDMap)
		o.AutoUserNsOpts.AdditionalGIDMappings = toStorage(ns.AutoGIDMap)
	}
	return o
}

func toStorage(maps []IDMap) []idtools.IDMap {
	var out []idtools.IDMap
	for _, m := range maps {
		out = append(out, idtools.IDMap{ContainerID: m.ContainerID, HostID: m.HostID, Size: m.Size})
	}
	return out
}

func fromStorage(maps []idtools.IDMap) []IDMap {
	var out []IDMap
	for _, m := range maps {
		out = append(out, IDMap{ContainerID: m.ContainerID, HostID: m.HostID, Size: m.Size})
	}
	return out
}

// ReserveUserNS makes an empty storage container with ID id (a pod's),
// named name, whose only use is to hold a user namespace range: ns (Auto)
// takes one no other storage container has, and later auto ranges avoid
// it. RootfsIDMaps reads it back; DeleteRootfs frees it.
func (s *Store) ReserveUserNS(id, name string, ns *UserNS) error {
	if err := s.open(); err != nil {
		return err
	}
	if len(id) != 64 || !isHex(id) {
		return fmt.Errorf("ID %q is not 64 hex digits: %w", id, errdefs.ErrInvalidArgument)
	}
	opts := &storage.ContainerOptions{IDMappingOptions: idMappingOptions(ns)}
	if _, err := s.store.CreateContainer(id, []string{name}, "", "", `{"podunit":"user namespace of a pod"}`, opts); err != nil {
		return fmt.Errorf("reserving a user namespace range for %s: %w", name, err)
	}
	return nil
}
