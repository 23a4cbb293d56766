package image

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"go.podman.io/storage"
)

// Tag adds the name newName (normalised: "bb" → "localhost/bb:latest") to the
// image nameOrID names. A name another image had moves to this one.
func (s *Store) Tag(ctx context.Context, nameOrID, newName string) error {
	if err := s.open(); err != nil {
		return err
	}
	full, err := NormalizeName(newName)
	if err != nil {
		return err
	}
	img, _, err := s.lookup(nameOrID)
	if err != nil {
		return err
	}
	if err := s.store.AddNames(img.ID, []string{full}); err != nil {
		return fmt.Errorf("tagging image %s as %q: %w", img.ID, full, err)
	}
	s.event("tag", img.ID, full)
	return nil
}

// Remove removes an image, as `podman rmi` does: given one of several names,
// it removes only that name; given the ID of an image with several names, it
// needs force. An image that storage containers use is an errdefs.ErrConflict
// unless force, which deletes those containers' rootfs first.
func (s *Store) Remove(ctx context.Context, nameOrID string, force bool) error {
	if err := s.open(); err != nil {
		return err
	}
	img, used, err := s.lookup(nameOrID)
	if err != nil {
		return err
	}
	if len(img.Names) > 1 {
		if slices.Contains(img.Names, used) {
			return s.untag(img.ID, used)
		}
		if !force {
			return fmt.Errorf("image %q has several names (%s); remove them one by one or force: %w",
				nameOrID, strings.Join(img.Names, ", "), errdefs.ErrConflict)
		}
	}
	if err := s.notMounted(img.ID, nameOrID); err != nil {
		return err
	}
	if err := s.removeUsers(img.ID, nameOrID, force); err != nil {
		return err
	}
	if _, err := s.store.DeleteImage(img.ID, true); err != nil {
		if errors.Is(err, storage.ErrImageUsedByContainer) {
			return fmt.Errorf("image %q is in use: %w: %w", nameOrID, errdefs.ErrConflict, err)
		}
		return fmt.Errorf("removing image %q: %w", nameOrID, err)
	}
	s.event("remove", img.ID, nameOrID)
	return nil
}

// notMounted refuses to delete image id while a container mounts it (even
// forced: storage would delete layers under the mount).
func (s *Store) notMounted(id, nameOrID string) error {
	m, err := s.mounted()
	if err != nil || len(m[id]) == 0 {
		return err
	}
	return fmt.Errorf("image %q is mounted by container %s (--mount type=image): remove it first: %w",
		nameOrID, strings.Join(m[id], ", "), errdefs.ErrConflict)
}

func (s *Store) untag(id, name string) error {
	if err := s.store.RemoveNames(id, []string{name}); err != nil {
		return fmt.Errorf("untagging %q: %w", name, err)
	}
	s.event("untag", id, name)
	return nil
}

// removeUsers deletes the rootfs of the containers that use image id, if force.
func (s *Store) removeUsers(id, nameOrID string, force bool) error {
	users, err := s.containersOf(id)
	if err != nil {
		return err
	}
	if len(users) > 0 && !force {
		return fmt.Errorf("image %q is in use by container(s) %s: %w",
			nameOrID, strings.Join(users, ", "), errdefs.ErrConflict)
	}
	for _, c := range users {
		if err := s.DeleteRootfs(c); err != nil {
			return fmt.Errorf("removing image %q: %w", nameOrID, err)
		}
	}
	return nil
}

// containersOf lists the IDs of the storage containers made from image id.
func (s *Store) containersOf(id string) ([]string, error) {
	ctrs, err := s.store.Containers()
	if err != nil {
		return nil, fmt.Errorf("listing containers: %w", err)
	}
	var out []string
	for _, c := range ctrs {
		if c.ImageID == id {
			out = append(out, c.ID)
		}
	}
	slices.Sort(out)
	return out, nil
}
