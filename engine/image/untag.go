package image

import (
	"context"
	"fmt"
	"slices"

	"github.com/podunit/podunit/engine/errdefs"
)

// Untag removes names (normalised as Tag does) from the image nameOrID
// names, every name it has when names is empty, as `podman untag`. The
// image stays, as a dangling one if it has no name left. A name the image
// does not have is an errdefs.ErrNotFound, and nothing is removed.
func (s *Store) Untag(ctx context.Context, nameOrID string, names []string) error {
	if err := s.open(); err != nil {
		return err
	}
	img, _, err := s.lookup(nameOrID)
	if err != nil {
		return err
	}
	drop := slices.Clone(img.Names)
	if len(names) > 0 {
		drop = drop[:0]
		for _, n := range names {
			full, err := NormalizeName(n)
			if err != nil {
				return err
			}
			if !slices.Contains(img.Names, full) {
				return fmt.Errorf("image %q has no name %q: %w", nameOrID, full, errdefs.ErrNotFound)
			}
			drop = append(drop, full)
		}
	}
	for _, n := range drop {
		if err := s.untag(img.ID, n); err != nil {
			return err
		}
	}
	return nil
}
