package image

import (
	"fmt"
	"time"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/storage"
)

// InspectMore are the keys of Podman's image inspect beyond Inspect's
// first set, with Podman's values for an image without them: "" Parent,
// Author and Version, {} Annotations.
type InspectMore struct {
	Parent       string
	Comment      string // the first history entry's, as Podman's
	Author       string
	User         string
	Version      string
	VirtualSize  int64
	NamesHistory []string
	Annotations  map[string]string
	History      []HistoryItem
	GraphDriver  GraphDriver
}

// HistoryItem is one entry of an image config's history, with the OCI keys.
type HistoryItem struct {
	Created    *time.Time `json:"created,omitempty"`
	CreatedBy  string     `json:"created_by,omitempty"`
	Author     string     `json:"author,omitempty"`
	Comment    string     `json:"comment,omitempty"`
	EmptyLayer bool       `json:"empty_layer,omitempty"`
}

// GraphDriver is the storage driver and the directories of the top layer.
type GraphDriver struct {
	Name string
	Data map[string]string
}

func (s *Store) inspectMore(img *storage.Image, cfg *imgspecv1.Image, size int64) InspectMore {
	m := InspectMore{Author: cfg.Author, User: cfg.Config.User, VirtualSize: size,
		NamesHistory: nonNil(img.NamesHistory), Annotations: map[string]string{}, History: []HistoryItem{},
		GraphDriver: GraphDriver{Name: s.store.GraphDriverName(), Data: map[string]string{}}}
	for _, h := range cfg.History {
		m.History = append(m.History, HistoryItem{Created: h.Created, CreatedBy: h.CreatedBy, Author: h.Author,
			Comment: h.Comment, EmptyLayer: h.EmptyLayer})
	}
	if len(cfg.History) > 0 {
		m.Comment = cfg.History[0].Comment
	}
	if drv, err := s.store.GraphDriver(); err == nil && img.TopLayer != "" {
		if meta, err := drv.Metadata(img.TopLayer); err == nil {
			m.GraphDriver.Data = meta
		}
	}
	return m
}

// RootfsGraph is what a storage container is made of: the storage driver
// and its directories of the container's layer (container inspect's
// GraphDriver), and the digest of the image it was made from ("" when that
// image is gone). The engine records it when it makes the rootfs, so that
// inspect need not open the store.
func (s *Store) RootfsGraph(containerID string) (GraphDriver, string, error) {
	if err := s.open(); err != nil {
		return GraphDriver{}, "", err
	}
	g := GraphDriver{Name: s.store.GraphDriverName(), Data: map[string]string{}}
	c, err := s.store.Container(containerID)
	if err != nil {
		return g, "", fmt.Errorf("rootfs of container %s: %w", containerID, err)
	}
	drv, err := s.store.GraphDriver()
	if err != nil {
		return g, "", err
	}
	if meta, err := drv.Metadata(c.LayerID); err == nil {
		g.Data = meta
	}
	digest := ""
	if img, err := s.store.Image(c.ImageID); err == nil {
		digest = img.Digest.String()
	}
	return g, digest, nil
}
