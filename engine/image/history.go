package image

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.podman.io/storage"
)

// HistoryEntry is one step of an image's history, newest first, as
// `podman history` shows it: ID is the image's own ID on the newest entry
// and "<missing>" on the others; Size is the layer the step made, if any.
type HistoryEntry struct {
	ID        string
	Created   time.Time
	CreatedBy string
	Size      int64
	Comment   string
	Tags      []string
}

// History lists the steps that made the image nameOrID names. An image
// without recorded history (an imported rootfs) gets one step per layer.
func (s *Store) History(ctx context.Context, nameOrID string) ([]HistoryEntry, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	img, _, err := s.lookup(nameOrID)
	if err != nil {
		return nil, err
	}
	cfg, err := s.ociConfig(ctx, img.ID)
	if err != nil {
		return nil, err
	}
	layers, err := s.layerChain(img.TopLayer) // top first
	if err != nil {
		return nil, err
	}
	var out []HistoryEntry
	if len(cfg.History) == 0 {
		for _, l := range layers {
			out = append(out, HistoryEntry{Created: img.Created.UTC(), Size: l.UncompressedSize})
		}
	}
	next := 0
	for i := len(cfg.History) - 1; i >= 0; i-- {
		h := cfg.History[i]
		e := HistoryEntry{CreatedBy: h.CreatedBy, Comment: h.Comment}
		if h.Created != nil {
			e.Created = h.Created.UTC()
		}
		if !h.EmptyLayer && next < len(layers) {
			e.Size = layers[next].UncompressedSize
			next++
		}
		out = append(out, e)
	}
	for i := range out {
		out[i].ID = "<missing>"
	}
	if len(out) > 0 {
		out[0].ID, out[0].Tags = img.ID, nonNil(img.Names)
	}
	return out, nil
}

// layerChain is the layer top and its parents, top first.
func (s *Store) layerChain(top string) ([]*storage.Layer, error) {
	var out []*storage.Layer
	for id := top; id != ""; {
		l, err := s.store.Layer(id)
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", id, err)
		}
		out = append(out, l)
		id = l.Parent
	}
	return out, nil
}

// TreeLayer is one layer of `image tree`, bottom first.
type TreeLayer struct {
	ID    string
	Size  int64
	TopOf []string // names (or IDs) of the images whose top layer this is
}

// Tree lists the image's layers, bottom first, each with the images whose
// top layer it is.
func (s *Store) Tree(ctx context.Context, nameOrID string) (*Summary, []TreeLayer, error) {
	if err := s.open(); err != nil {
		return nil, nil, err
	}
	img, _, err := s.lookup(nameOrID)
	if err != nil {
		return nil, nil, err
	}
	size, err := s.store.ImageSize(img.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("image %s: size: %w", img.ID, err)
	}
	chain, err := s.layerChain(img.TopLayer)
	if err != nil {
		return nil, nil, err
	}
	all, err := s.store.Images()
	if err != nil {
		return nil, nil, fmt.Errorf("listing images: %w", err)
	}
	var out []TreeLayer
	for _, l := range slices.Backward(chain) {
		t := TreeLayer{ID: l.ID, Size: l.UncompressedSize}
		for _, other := range all {
			if other.TopLayer == l.ID {
				t.TopOf = append(t.TopOf, namesOrID(other.Names, other.ID)...)
			}
		}
		out = append(out, t)
	}
	sum := &Summary{ID: img.ID, Names: nonNil(img.Names), Digest: img.Digest.String(), Created: img.Created.UTC(), Size: size}
	return sum, out, nil
}
