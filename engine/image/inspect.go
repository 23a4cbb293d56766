package image

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	digest "github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/storage"
)

// Summary is one line of `podunit images`.
type Summary struct {
	ID      string
	Names   []string // full references: "localhost/bb:latest"
	Digest  string
	Created time.Time
	Size    int64
	// Containers counts the storage containers made from it, of podunit
	// or another engine.
	Containers int
}

// Inspect is the JSON shape of podman's `image inspect` (a subset).
type Inspect struct {
	ID           string `json:"Id"`
	Digest       string
	RepoTags     []string
	RepoDigests  []string
	Created      time.Time
	Config       ImageConfig
	Architecture string
	Os           string
	Size         int64
	RootFS       RootFS
	Labels       map[string]string
	ManifestType string
	InspectMore
}

// RootFS lists an image's layers by diff ID.
type RootFS struct {
	Type   string
	Layers []string
}

// List returns every image, newest first, then by ID.
func (s *Store) List(ctx context.Context) ([]Summary, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	// What a crashed import or load left is no image to list. A failure to
	// clear it up here is the next import's or load's to report.
	_ = s.RecoverOps()
	imgs, err := s.store.Images()
	if err != nil {
		return nil, fmt.Errorf("listing images: %w", err)
	}
	uses, err := s.imageUses()
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(imgs))
	for i := range imgs {
		size, err := s.store.ImageSize(imgs[i].ID)
		if err != nil {
			return nil, fmt.Errorf("image %s: size: %w", imgs[i].ID, err)
		}
		out = append(out, Summary{ID: imgs[i].ID, Names: slices.Clone(imgs[i].Names),
			Digest: imgs[i].Digest.String(), Created: imgs[i].Created.UTC(), Size: size,
			Containers: uses[imgs[i].ID]})
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.After(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Inspect returns the details of the image nameOrID names (see Resolve).
func (s *Store) Inspect(ctx context.Context, nameOrID string) (*Inspect, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	img, _, err := s.lookup(nameOrID)
	if err != nil {
		return nil, err
	}
	cfg, mt, _, err := s.readImage(ctx, img.ID)
	if err != nil {
		return nil, err
	}
	size, err := s.store.ImageSize(img.ID)
	if err != nil {
		return nil, fmt.Errorf("image %s: size: %w", img.ID, err)
	}
	c := cfg.Config
	return &Inspect{
		ID: img.ID, Digest: img.Digest.String(),
		RepoTags: nonNil(img.Names), RepoDigests: repoDigests(img),
		Created: img.Created.UTC(),
		Config: ImageConfig{Env: c.Env, Cmd: c.Cmd, Entrypoint: c.Entrypoint, WorkingDir: c.WorkingDir,
			User: c.User, StopSignal: c.StopSignal, Labels: c.Labels, ExposedPorts: c.ExposedPorts, Volumes: c.Volumes},
		Architecture: cfg.Architecture, Os: cfg.OS, Size: size,
		RootFS: RootFS{Type: cfg.RootFS.Type, Layers: diffIDs(cfg)},
		Labels: c.Labels, ManifestType: mt,
		InspectMore: s.inspectMore(img, cfg, size),
	}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

func diffIDs(cfg *imgspecv1.Image) []string {
	out := make([]string, 0, len(cfg.RootFS.DiffIDs))
	for _, d := range cfg.RootFS.DiffIDs {
		out = append(out, d.String())
	}
	return out
}

// repoDigests pairs each repository the image is named in with each of its digests.
func repoDigests(img *storage.Image) []string {
	out := []string{}
	for _, n := range img.Names {
		named, err := parseNormalized(n)
		if err != nil {
			continue
		}
		for _, d := range img.Digests {
			rd := named.Name() + "@" + d.String()
			if !slices.Contains(out, rd) {
				out = append(out, rd)
			}
		}
	}
	return out
}

// ociConfig reads the image's configuration, converted to OCI form.
func (s *Store) ociConfig(ctx context.Context, id string) (*imgspecv1.Image, error) {
	cfg, _, _, err := s.readImage(ctx, id)
	return cfg, err
}

// readImage reads the image's configuration, converted to OCI form, its
// manifest's MIME type and its HEALTHCHECK (Docker's field, which the OCI
// form drops; nil when it has none). An image of one OCI or Docker schema 2
// manifest, what pulls and imports store, is read here from storage's
// own records of it: the manifest, then the configuration it names,
// checked against its digest. Any other kind (a schema 1 manifest, a list,
// an artifact) is containers/image's to read (readImageOther).
func (s *Store) readImage(ctx context.Context, id string) (*imgspecv1.Image, string, *Healthcheck, error) {
	m, err := s.store.ImageBigData(id, storage.ImageDigestBigDataKey)
	if err != nil {
		return nil, "", nil, fmt.Errorf("image %s: reading manifest: %w", id, err)
	}
	mt, config, ok := singleManifest(m)
	if !ok {
		return s.readImageOther(ctx, id)
	}
	blob, err := s.store.ImageBigData(id, config.String())
	if err != nil {
		return nil, "", nil, fmt.Errorf("image %s: reading config: %w", id, err)
	}
	if got := config.Algorithm().FromBytes(blob); got != config {
		return nil, "", nil, fmt.Errorf("image %s: config %s has the digest %s", id, config, got)
	}
	cfg := new(imgspecv1.Image)
	if err := json.Unmarshal(blob, cfg); err != nil {
		return nil, "", nil, fmt.Errorf("image %s: reading config: %w", id, err)
	}
	hc, err := parseHealthcheck(blob)
	if err != nil {
		return nil, "", nil, fmt.Errorf("image %s: %w", id, err)
	}
	return cfg, mt, hc, nil
}

// The manifest and configuration types readImage reads itself.
const (
	dockerManifestType = "application/vnd.docker.distribution.manifest.v2+json"
	dockerConfigType   = "application/vnd.docker.container.image.v1+json"
)

// singleManifest reads a manifest of one image, OCI or Docker schema 2, and
// returns its MIME type and its configuration's digest; ok is false for
// any other kind, and for one that does not parse. An OCI manifest may
// leave out its own media type (before image-spec 1.0.2); its
// configuration's then says what it is, as containers/image guesses it.
func singleManifest(m []byte) (mimeType string, config digest.Digest, ok bool) {
	var v struct {
		SchemaVersion int    `json:"schemaVersion"`
		MediaType     string `json:"mediaType"`
		Config        struct {
			MediaType string        `json:"mediaType"`
			Digest    digest.Digest `json:"digest"`
		} `json:"config"`
		Manifests json.RawMessage `json:"manifests"`
	}
	if json.Unmarshal(m, &v) != nil || v.SchemaVersion != 2 || v.Manifests != nil || v.Config.Digest.Validate() != nil {
		return "", "", false
	}
	switch {
	case v.MediaType == dockerManifestType && v.Config.MediaType == dockerConfigType:
	case (v.MediaType == imgspecv1.MediaTypeImageManifest || v.MediaType == "") &&
		v.Config.MediaType == imgspecv1.MediaTypeImageConfig:
		v.MediaType = imgspecv1.MediaTypeImageManifest
	default:
		return "", "", false
	}
	return v.MediaType, v.Config.Digest, true
}
