//go:build !hotpath

package image

import (
	"context"
	"fmt"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"
)

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
	_, mt, err := img.Manifest(ctx)
	if err != nil {
		return nil, "", nil, fmt.Errorf("image %s: reading manifest: %w", id, err)
	}
	blob, err := img.ConfigBlob(ctx) // cached: OCIConfig read it
	if err != nil {
		return nil, "", nil, fmt.Errorf("image %s: reading config: %w", id, err)
	}
	hc, err := parseHealthcheck(blob)
	if err != nil {
		return nil, "", nil, fmt.Errorf("image %s: %w", id, err)
	}
	return cfg, mt, hc, nil
}
