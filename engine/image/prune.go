package image

import (
	"context"
	"fmt"
)

// Prune removes the images no storage container uses and keep accepts:
// with all, every such image, else only dangling ones (without a name).
// It goes round again while a removal leaves another image dangling or
// unused, and returns the removed IDs in removal order.
func (s *Store) Prune(ctx context.Context, all bool, keep func(Summary) bool) ([]string, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	var removed []string
	for {
		n, err := s.pruneOnce(ctx, all, keep)
		removed = append(removed, n...)
		if err != nil || len(n) == 0 {
			return removed, err
		}
	}
}

func (s *Store) pruneOnce(ctx context.Context, all bool, keep func(Summary) bool) ([]string, error) {
	list, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	used, err := s.usedImages()
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, img := range list {
		if used[img.ID] || (!all && len(img.Names) > 0) || !keep(img) {
			continue
		}
		if _, err := s.store.DeleteImage(img.ID, true); err != nil {
			return removed, fmt.Errorf("pruning image %s: %w", img.ID, err)
		}
		removed = append(removed, img.ID)
		s.event("remove", img.ID, img.ID)
	}
	return removed, nil
}

// usedImages is the set of image IDs some storage container was made from
// or some container mounts (--mount type=image).
func (s *Store) usedImages() (map[string]bool, error) {
	uses, err := s.imageUses()
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for id := range uses {
		used[id] = true
	}
	mounted, err := s.mounted()
	for id := range mounted {
		used[id] = true
	}
	return used, err
}

// imageUses counts the storage containers made from each image, by ID.
func (s *Store) imageUses() (map[string]int, error) {
	ctrs, err := s.store.Containers()
	if err != nil {
		return nil, fmt.Errorf("listing containers: %w", err)
	}
	uses := map[string]int{}
	for _, c := range ctrs {
		uses[c.ImageID]++
	}
	return uses, nil
}
