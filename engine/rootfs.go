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
