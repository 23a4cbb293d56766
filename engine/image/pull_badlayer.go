//go:build !hotpath

package image

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"strings"

	"go.podman.io/image/v5/pkg/blobinfocache/none"
	"go.podman.io/image/v5/types"

	"github.com/podunit/podunit/engine/errdefs"
)

// isUnpackFailure reports whether err is containers/storage failing to
// unpack a layer, whose message names neither the layer nor the entry.
func isUnpackFailure(err error) bool {
	return strings.Contains(err.Error(), "unpacking failed")
}

// pullFailure is err, the failed copy of src, with the layer and entry that
// made it fail named where a layer failed to unpack: the layers are read
// again (only on this failure path) for a hard link to no earlier entry.
func pullFailure(ctx context.Context, sys *types.SystemContext, src types.ImageReference, err error) error {
	if !isUnpackFailure(err) {
		return err
	}
	bad := badRegistryLayer(ctx, sys, src)
	if bad == nil {
		return err
	}
	return fmt.Errorf("%w: %w (%w)", errdefs.ErrInvalidArgument, bad, err)
}

// badRegistryLayer checks each layer of the image at src, as copy chose
// it (the platform's instance of a list), for a hard link to no earlier
// entry, and names the first layer that has one. It is nil when none has,
// or when the layers cannot be read again (the copy's error stands then).
func badRegistryLayer(ctx context.Context, sys *types.SystemContext, src types.ImageReference) error {
	is, img, err := openSource(ctx, sys, src)
	if err != nil {
		return nil
	}
	defer is.Close()
	for _, l := range img.LayerInfos() {
		rc, _, err := is.GetBlob(ctx, l, none.NoCache)
		if err != nil {
			return nil
		}
		links := linkCheck{}
		err = readTar(rc, func(name string, h *tar.Header, _ io.Reader) error {
			links.add(name, h)
			return nil
		})
		rc.Close()
		if err == nil && links.bad != nil {
			return fmt.Errorf("layer %s: %w of the layer", l.Digest, links.bad)
		}
	}
	return nil
}
