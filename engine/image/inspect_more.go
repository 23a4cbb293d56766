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
		GraphDriver: s.layerGraph(img.TopLayer)}
	for _, h := range cfg.History {
		m.History = append(m.History, HistoryItem{Created: h.Created, CreatedBy: h.CreatedBy, Author: h.Author,
			Comment: h.Comment, EmptyLayer: h.EmptyLayer})
	}
	if len(cfg.History) > 0 {
		m.Comment = cfg.History[0].Comment
	}
	return m
}

// layerGraph is the storage driver and its directories of layer (Data {}
// where there is no layer or the driver does not say).
func (s *Store) layerGraph(layer string) GraphDriver {
	g := GraphDriver{Name: s.store.GraphDriverName(), Data: map[string]string{}}
	if drv, err := s.store.GraphDriver(); err == nil && layer != "" {
		if meta, err := drv.Metadata(layer); err == nil {
			g.Data = meta
		}
	}
	return g
}

// Graph is what a storage container is made of: the storage driver and
// its directories of the container's layer (container inspect's
// GraphDriver), and the digest of the image it was made from ("" when that
// image has none or is gone). The engine records it when it makes the
// rootfs (CreateRootfsWith returns it), so that inspect need not open the
// store.
type Graph struct {
	Driver      GraphDriver
	ImageDigest string
}

// RootfsGraph is the Graph of the storage container containerID, for a
// record that has none.
func (s *Store) RootfsGraph(containerID string) (*Graph, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	c, err := s.store.Container(containerID)
	if err != nil {
		return nil, fmt.Errorf("rootfs of container %s: %w", containerID, err)
	}
	g := &Graph{Driver: s.layerGraph(c.LayerID)}
	if img, err := s.store.Image(c.ImageID); err == nil {
		g.ImageDigest = img.Digest.String()
	}
	return g, nil
}
