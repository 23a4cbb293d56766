//go:build !hotpath

package image

import (
	"context"
	"encoding/json"
	"fmt"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"
)

// ReadsEveryManifest says this binary reads the configuration of an image
// of any manifest (the hot one: of OCI and Docker schema 2 ones).
const ReadsEveryManifest = true

// readImageOther is readImage for the images it does not read itself
// (a schema 1 manifest, a list, an artifact): containers/image opens them,
// all from one opening of the image.
func (s *Store) readImageOther(ctx context.Context, id string) (*imgspecv1.Image, string, *Healthcheck, error) {
	ref, err := istorage.Transport.NewStoreReference(s.store, nil, id)
	if err != nil {
		return nil, "", nil, fmt.Errorf("image %s: %w", id, err)
	}
	img, err := ref.NewImage(ctx, &types.SystemContext{})
	if err != nil {
		return nil, "", nil, fmt.Errorf("image %s: opening: %w", id, err)
	}
	defer img.Close()
	cfg, err := img.OCIConfig(ctx)
	if err != nil {
		return nil, "", nil, fmt.Errorf("image %s: reading config: %w", id, err)
	}
	m, mt, err := img.Manifest(ctx)
	if err != nil {
		return nil, "", nil, fmt.Errorf("image %s: reading manifest: %w", id, err)
	}
	blob, err := img.ConfigBlob(ctx) // cached: OCIConfig read it
	if err != nil {
		return nil, "", nil, fmt.Errorf("image %s: reading config: %w", id, err)
	}
	if len(blob) == 0 { // schema 1: no configuration blob
		blob = schema1Config(m)
	}
	hc, err := parseHealthcheck(blob)
	if err != nil {
		return nil, "", nil, fmt.Errorf("image %s: %w", id, err)
	}
	return cfg, mt, hc, nil
}

// schema1Config is the configuration a schema 1 manifest carries: its
// newest history entry's v1Compatibility, Docker's image JSON, whose
// "config" holds the HEALTHCHECK as a configuration blob's does ("{}"
// where there is none).
func schema1Config(m []byte) []byte {
	var v struct {
		History []struct {
			V1Compatibility string `json:"v1Compatibility"`
		} `json:"history"`
	}
	if json.Unmarshal(m, &v) != nil || len(v.History) == 0 {
		return []byte("{}")
	}
	return []byte(v.History[0].V1Compatibility)
}
