package engine

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
)

// DriverImage is the volume driver whose volume is a writable copy of an
// image's files (Podman's `--driver image --opt image=IMAGE`): a storage
// container on the image, mounted at first use; what containers write to
// it stays until `volume rm`.
const DriverImage = "image"

// imageVolumeCreate records an image volume and creates its storage
// container. A crash in between leaves a record whose storage container
// `volume rm` does not miss (DeleteRootfs of a missing one is no error).
func (e *Engine) imageVolumeCreate(ctx context.Context, o VolumeCreateOptions) (*model.Volume, error) {
	ref := o.Options["image"]
	if ref == "" || len(o.Options) != 1 {
		return nil, fmt.Errorf("volume %s: the image driver takes one option, --opt image=IMAGE: %w", o.Name, errdefs.ErrInvalidArgument)
	}
	img, err := e.images.Resolve(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("volume %s: %w", o.Name, err)
	}
	opts := maps.Clone(o.Options)
	opts["storage"] = names.NewID() // the storage container's ID
	v := &model.Volume{Name: o.Name, Driver: DriverImage, Created: time.Now().UTC(), Labels: o.Labels, Options: opts}
	return e.recordVolume(ctx, v, o.IgnoreIfExists, func() error {
		if err := e.images.CreateRootfs(ctx, img.ID, opts["storage"], ""); err != nil {
			return fmt.Errorf("volume %s: %w", o.Name, err)
		}
		return nil
	})
}

// readyImageVolume mounts an image volume's storage container (once: it
// stays mounted until `volume rm` or a reboot) and returns the path.
// The caller holds the volume's lock.
func (e *Engine) readyImageVolume(v *model.Volume) (string, error) {
	p, err := e.images.MountOnce(v.Options["storage"])
	if err != nil {
		return "", fmt.Errorf("volume %s: %w", v.Name, err)
	}
	return p, nil
}
