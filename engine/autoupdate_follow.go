package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
)

// followImage makes a container with an auto-update policy run the image
// its name names now. Every start comes through here (prepare), so an
// update only has to restart the container's unit, and a rollback only to
// give the name back to the old image. When the name's local image is
// another than the one the rootfs was made from, the record's image ID
// moves to it first (the intent), and the command, environment, user and
// working directory that create took from the image become the new one's;
// then the rootfs is made anew from it (the container's own changes to
// its files go, as they go when Podman's units re-create a container). The storage container, not the record,
// says what the rootfs was made from, so a start that a crash cut short
// finishes the change next time, and `system check` makes a lost rootfs
// from the image the record names. A name that no longer resolves leaves
// the container as it is.
func (e *Engine) followImage(ctx context.Context, c *model.Container) error {
	if !followsName(c) {
		return nil
	}
	id, err := e.images.ImageID(ctx, c.Image) // the configuration is read only if it moved
	if err != nil {
		return nil
	}
	made, err := e.images.RootfsImageID(c.ID)
	if err != nil {
		return err
	}
	if c.ImageID != id {
		img, err := e.images.Resolve(ctx, c.Image)
		if err != nil {
			return nil
		}
		id = img.ID
		r, err := e.store.UpdateContainer(ctx, c.ID, func(r *model.Container) error {
			r.ImageID = img.ID
			retakeFromImage(&r.Config, img)
			return nil
		})
		if err != nil {
			return err
		}
		c.ImageID, c.Config = img.ID, r.Config
	}
	if made == id {
		return nil
	}
	if err := e.images.DeleteRootfs(c.ID); err != nil {
		return fmt.Errorf("container %q: replacing its rootfs with image %s: %w", c.Name, id, err)
	}
	if err := e.remakeRootfs(ctx, c); err != nil {
		return fmt.Errorf("container %q: making its rootfs from image %s: %w", c.Name, id, err)
	}
	return nil
}

// followsName reports whether c follows its image's name: it has an
// auto-update policy and a rootfs made from an image.
func followsName(c *model.Container) bool {
	policy, err := AutoUpdatePolicy(c.Config.Labels)
	return err == nil && policy != PolicyDisabled && c.Config.Rootfs == ""
}

// followsHere returns errdefs.ErrFullBinary where c follows its image's
// name to an image whose configuration only the full binary reads (a
// manifest other than OCI's or Docker's schema 2: image.Store.readImage).
// A start asks first, once it holds the container's lock and is in a
// rootless pod's namespaces (so the store opens where the start goes on),
// before it changes anything, so that the command runs again in the full
// binary instead of followImage leaving the container on its old image
// halfway through the start. The full binary reads every image: it does
// not ask.
func (e *Engine) followsHere(ctx context.Context, c *model.Container) error {
	if image.ReadsEveryManifest || !followsName(c) {
		return nil
	}
	if id, err := e.images.ImageID(ctx, c.Image); err != nil || id == c.ImageID {
		return nil
	}
	if _, err := e.images.Resolve(ctx, c.Image); errors.Is(err, errdefs.ErrFullBinary) {
		return err
	}
	return nil
}

// followed is c as its start left it: a container that follows its
// image's name may have taken the new image's health check in its unit's
// start (followImage), which its health timer must go by. Others, and a
// record that cannot be read, are c.
func (e *Engine) followed(ctx context.Context, c *model.Container) *model.Container {
	if policy, err := AutoUpdatePolicy(c.Config.Labels); err != nil || policy == PolicyDisabled {
		return c
	}
	if fresh, err := e.store.Container(ctx, c.ID); err == nil {
		return fresh
	}
	return c
}
