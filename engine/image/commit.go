package image

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/opencontainers/go-digest"
	specs "github.com/opencontainers/image-spec/specs-go"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/storage"
	"go.podman.io/storage/pkg/archive"

	"github.com/podunit/podunit/engine/errdefs"
)

// CommitOptions say what `commit` records besides the container's changes.
type CommitOptions struct {
	Name            string      // the new image's name, normalised; "" leaves it unnamed
	Author, Message string      // the history entry's
	Config          ImageConfig // the new image's configuration (the container's)
	CreatedBy       string      // the history entry's command
}

// Commit makes a new image of the container's image plus one layer: the
// container's changes. The layer is stored once, uncompressed, and the
// image gets an OCI manifest and configuration, as a pulled image has.
func (s *Store) Commit(ctx context.Context, containerID string, o CommitOptions) (string, error) {
	if err := s.open(); err != nil {
		return "", err
	}
	var names []string
	if o.Name != "" {
		full, err := NormalizeName(o.Name)
		if err != nil {
			return "", err
		}
		names = []string{full}
	}
	sc, err := s.store.Container(containerID)
	if err != nil || sc.ID != containerID {
		return "", rootfsNotFound(containerID)
	}
	base, err := s.store.Image(sc.ImageID)
	if err != nil {
		return "", fmt.Errorf("committing container %s: its image %s: %w: %w", containerID, sc.ImageID, errdefs.ErrNotFound, err)
	}
	cfg, err := s.ociConfig(ctx, base.ID)
	if err != nil {
		return "", err
	}
	op, err := s.beginOp() // its directory takes the changes on their way
	if err != nil {
		return "", err
	}
	defer op.end()
	layer, err := s.diffLayer(op.dir, sc.LayerID, base.TopLayer)
	if err != nil {
		return "", fmt.Errorf("committing container %s: %w", containerID, err)
	}
	id, err := s.createCommitted(cfg, layer, names, o)
	if err != nil {
		_ = s.store.DeleteLayer(layer.ID)
		return "", fmt.Errorf("committing container %s: %w", containerID, err)
	}
	return id, nil
}

// diffLayer stores the container layer's changes as a new read-only layer
// on parent, by way of a file in tmpDir.
func (s *Store) diffLayer(tmpDir, containerLayer, parent string) (*storage.Layer, error) {
	uncompressed := archive.Uncompressed
	diff, err := s.store.Diff("", containerLayer, &storage.DiffOptions{Compression: &uncompressed})
	if err != nil {
		return nil, fmt.Errorf("reading its changes: %w", err)
	}
	// Diff holds the layer store's lock while it streams, and PutLayer needs
	// it: the changes go through a temporary file.
	tmp, err := os.CreateTemp(tmpDir, "commit-*.tar")
	if err != nil {
		diff.Close()
		return nil, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	_, err = io.Copy(tmp, diff)
	if cerr := diff.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("reading its changes: %w", err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	layer, _, err := s.store.PutLayer("", parent, nil, "", false, nil, tmp)
	if err != nil {
		return nil, fmt.Errorf("storing its changes: %w", err)
	}
	return layer, nil
}

// createCommitted writes the configuration and manifest for base's config
// plus layer and creates the image.
func (s *Store) createCommitted(base *imgspecv1.Image, layer *storage.Layer, names []string, o CommitOptions) (string, error) {
	now := time.Now().UTC()
	cfg := committedConfig(base, layer.UncompressedDigest, now, o)
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return "", err
	}
	layers, err := s.layerDescriptors(layer)
	if err != nil {
		return "", err
	}
	if len(layers) != len(cfg.RootFS.DiffIDs) {
		return "", fmt.Errorf("the image has %d layers in storage but %d in its configuration", len(layers), len(cfg.RootFS.DiffIDs))
	}
	cfgDigest := digest.FromBytes(cfgJSON)
	m := imgspecv1.Manifest{Versioned: specs.Versioned{SchemaVersion: 2}, MediaType: imgspecv1.MediaTypeImageManifest,
		Config: imgspecv1.Descriptor{MediaType: imgspecv1.MediaTypeImageConfig, Digest: cfgDigest, Size: int64(len(cfgJSON))},
		Layers: layers}
	mJSON, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	mDigest := digest.FromBytes(mJSON)
	id := cfgDigest.Encoded()
	_, err = s.store.CreateImage(id, nil, layer.ID, "", &storage.ImageOptions{
		CreationDate: now, Digest: mDigest,
		BigData: []storage.ImageBigDataOption{
			{Key: cfgDigest.String(), Data: cfgJSON, Digest: cfgDigest},
			{Key: storage.ImageDigestBigDataKey, Data: mJSON, Digest: mDigest},
			{Key: storage.ImageDigestBigDataKey + "-" + mDigest.String(), Data: mJSON, Digest: mDigest},
		}})
	if err != nil {
		return "", fmt.Errorf("creating image %s: %w", id, err)
	}
	return id, s.moveNames(id, names)
}

// moveNames gives names to image id, taking each from the image that held
// it, as a pull of a newer image does.
func (s *Store) moveNames(id string, names []string) error {
	for _, n := range names {
		if holder, err := s.store.Image(n); err == nil && holder.ID != id {
			if err := s.store.RemoveNames(holder.ID, []string{n}); err != nil {
				return fmt.Errorf("taking name %s from image %s: %w", n, holder.ID, err)
			}
		}
	}
	if len(names) == 0 {
		return nil
	}
	if err := s.store.AddNames(id, names); err != nil {
		return fmt.Errorf("naming image %s: %w", id, err)
	}
	return nil
}

// committedConfig is base's configuration with the container's settings,
// the new layer and a history entry.
func committedConfig(base *imgspecv1.Image, diffID digest.Digest, now time.Time, o CommitOptions) imgspecv1.Image {
	cfg := *base
	cfg.Created, cfg.Author = &now, o.Author
	o.Config.setOn(&cfg.Config)
	cfg.RootFS.Type = "layers"
	cfg.RootFS.DiffIDs = append(append([]digest.Digest{}, base.RootFS.DiffIDs...), diffID)
	cfg.History = append(append([]imgspecv1.History{}, base.History...),
		imgspecv1.History{Created: &now, CreatedBy: o.CreatedBy, Author: o.Author, Comment: o.Message})
	return cfg
}

// layerDescriptors lists top and its ancestors, bottom first, as
// uncompressed layers: storage serves each by its uncompressed digest.
func (s *Store) layerDescriptors(top *storage.Layer) ([]imgspecv1.Descriptor, error) {
	var out []imgspecv1.Descriptor
	for l := top; l != nil; {
		if l.UncompressedDigest == "" || l.UncompressedSize < 0 {
			return nil, fmt.Errorf("layer %s has no recorded digest", l.ID)
		}
		out = append([]imgspecv1.Descriptor{{MediaType: imgspecv1.MediaTypeImageLayer,
			Digest: l.UncompressedDigest, Size: l.UncompressedSize}}, out...)
		if l.Parent == "" {
			break
		}
		parent, err := s.store.Layer(l.Parent)
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", l.Parent, err)
		}
		l = parent
	}
	return out, nil
}
