package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
)

// createImage is the image a new container runs: the one o names, or, for
// --rootfs, none (an empty configuration: the command must be given).
func (e *Engine) createImage(ctx context.Context, o CreateOptions) (*image.Image, error) {
	if o.Rootfs == "" {
		return e.images.Resolve(ctx, o.Image)
	}
	if err := validateRootfs(o.Rootfs); err != nil {
		return nil, err
	}
	return &image.Image{}, nil
}

// validateRootfs checks a --rootfs directory: absolute, there, and not an
// overlay (PATH:O), which podunit does not make.
func validateRootfs(p string) error {
	if strings.HasSuffix(p, ":O") || strings.HasSuffix(p, ":idmap") {
		return fmt.Errorf("--rootfs %s: the :O and :idmap suffixes are not supported: %w", p, errdefs.ErrInvalidArgument)
	}
	if !filepath.IsAbs(p) {
		return fmt.Errorf("--rootfs %s: the path must be absolute: %w", p, errdefs.ErrInvalidArgument)
	}
	if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
		return fmt.Errorf("--rootfs %s: not a directory on the host: %w", p, errdefs.ErrInvalidArgument)
	}
	return nil
}

// mountRootfs mounts the container's rootfs (counted) and returns where;
// a --rootfs container's is its directory, always there.
func (e *Engine) mountRootfs(c *model.Container) (string, error) {
	if c.Config.Rootfs != "" {
		return c.Config.Rootfs, nil
	}
	return e.images.Mount(c.ID)
}

// rootfsMark is the file in a bundle that says the rootfs mount of the
// prepare that made it is counted and not yet released.
const rootfsMark = "rootfs-mounted"

// mountBundleRootfs is mountRootfs for the bundle in directory bundle,
// counted once per bundle: a command killed after its prepare (before its
// unit ran, or with the unit's cleanup never run) leaves a bundle whose
// mount no release took back, and the next prepare, finding its mark, takes
// that count back rather than leaving the rootfs mounted once more than its
// runs hold. release removes the mark before it unmounts.
func (e *Engine) mountBundleRootfs(c *model.Container, bundle string) (string, error) {
	rootfs, err := e.mountRootfs(c)
	if err != nil || c.Config.Rootfs != "" {
		return rootfs, err
	}
	mark := filepath.Join(bundle, rootfsMark)
	if _, err := os.Lstat(mark); err == nil {
		// the left prepare's count: this bundle's mount stands for both
		if err := e.unmountRootfs(c); err != nil {
			return "", err
		}
		return rootfs, nil
	}
	f, err := os.OpenFile(mark, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		_ = e.unmountRootfs(c)
		return "", err
	}
	f.Close()
	return rootfs, nil
}

// unmountRootfs releases one mountRootfs.
func (e *Engine) unmountRootfs(c *model.Container) error {
	if c.Config.Rootfs != "" {
		return nil
	}
	return e.images.Unmount(c.ID, false)
}

// needsStorage refuses what only a container with a storage rootfs can do
// (diff, export, commit against its image layers) to a --rootfs one.
func needsStorage(c *model.Container, verb string) error {
	if c.Config.Rootfs == "" {
		return nil
	}
	return fmt.Errorf("container %q runs from the directory %s (--rootfs): it has no image layers to %s: %w",
		c.Name, c.Config.Rootfs, verb, errdefs.ErrInvalidArgument)
}
