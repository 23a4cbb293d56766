package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
)

// The volume options that are podunit's to act on, never the runtime's.
const (
	optChown   = "U"      // chown the source to the container's user at each start
	optOverlay = "O"      // mount the source as an overlay's lower directory
	optNoCopy  = "nocopy" // no copy-up of the image's content into a new volume
)

// completeMounts readies the mounts at create: an anonymous volume gets a
// fresh name (Podman's: 64 hex digits), a glob mount becomes one bind per
// match.
func completeMounts(cfg *model.Config) error {
	var out []model.Mount
	for _, m := range cfg.Mounts {
		switch {
		case m.Type == model.MountVolume && m.Anonymous && m.Source == "":
			m.Source = names.NewID()
		case m.Type == model.MountGlob:
			binds, err := globBinds(m)
			if err != nil {
				return err
			}
			out = append(out, binds...)
			continue
		}
		out = append(out, m)
	}
	cfg.Mounts = out
	return nil
}

// globBinds binds every host path that m.Source matches into the
// directory m.Destination under its own name, as Podman's type=glob.
func globBinds(m model.Mount) ([]model.Mount, error) {
	if !filepath.IsAbs(m.Source) {
		return nil, fmt.Errorf("--mount type=glob,src=%s: the pattern must be an absolute path: %w", m.Source, errdefs.ErrInvalidArgument)
	}
	matches, err := filepath.Glob(m.Source)
	if err != nil || len(matches) == 0 {
		return nil, fmt.Errorf("--mount type=glob,src=%s: no host path matches: %w", m.Source, errdefs.ErrInvalidArgument)
	}
	out := make([]model.Mount, 0, len(matches))
	for _, p := range matches {
		b := m
		b.Type, b.Source = model.MountBind, p
		b.Destination = filepath.Join(m.Destination, filepath.Base(p))
		b.Options = slices.Clone(m.Options)
		out = append(out, b)
	}
	return out, nil
}

// validateMount checks one mount of any type.
func validateMount(m model.Mount) error {
	switch m.Type {
	case "", model.MountBind, model.MountVolume:
		return validateBind(m)
	case model.MountImage:
		if m.Source == "" {
			return fmt.Errorf("--mount type=image,dst=%s: source (the image) is required: %w", m.Destination, errdefs.ErrInvalidArgument)
		}
	case model.MountDevpts, model.MountRamfs:
		if m.Source != "" {
			return fmt.Errorf("--mount type=%s,dst=%s: takes no source: %w", m.Type, m.Destination, errdefs.ErrInvalidArgument)
		}
	default:
		return fmt.Errorf("mount type %q: want bind, volume, tmpfs, image, devpts, ramfs or glob: %w", m.Type, errdefs.ErrInvalidArgument)
	}
	if !filepath.IsAbs(m.Destination) {
		return fmt.Errorf("--mount type=%s,dst=%s: the container path must be absolute: %w", m.Type, m.Destination, errdefs.ErrInvalidArgument)
	}
	return nil
}

// resolveImageMounts replaces each image mount's reference by the image's
// ID, so the container keeps the image it was created with.
func (e *Engine) resolveImageMounts(ctx context.Context, cfg *model.Config) error {
	for i, m := range cfg.Mounts {
		if m.Type != model.MountImage {
			continue
		}
		img, err := e.images.Resolve(ctx, m.Source)
		if err != nil {
			return fmt.Errorf("--mount type=image,src=%s: %w", m.Source, err)
		}
		cfg.Mounts[i].Source = img.ID
	}
	return nil
}

// removeWithVolumes removes c (its lock held) and then its anonymous
// volumes, as --rm does.
func (e *Engine) removeWithVolumes(ctx context.Context, c *model.Container) error {
	if err := e.removeLocked(ctx, c); err != nil {
		return err
	}
	return e.removeAnonymous(ctx, c)
}

// removeAnonymous removes the anonymous volumes of a removed container; one
// gone already, or that another container now uses, is left alone.
func (e *Engine) removeAnonymous(ctx context.Context, c *model.Container) error {
	for _, m := range c.Config.Mounts {
		if !m.Anonymous || m.Type != model.MountVolume {
			continue
		}
		err := e.VolumeRemove(ctx, m.Source, false)
		if err != nil && !errdefs.IsNotFound(err) && !errdefs.IsConflict(err) {
			return fmt.Errorf("container %q: anonymous volume %s: %w", c.Name, m.Source, err)
		}
	}
	return nil
}

// imageMounters maps each image that container records mount (their image
// mounts hold IDs since create: resolveImageMounts) to the containers' names.
func (e *Engine) imageMounters() (map[string][]string, error) {
	ctrs, err := e.store.Containers(context.Background())
	if err != nil {
		return nil, err
	}
	by := map[string][]string{}
	for _, c := range ctrs {
		for _, m := range c.Config.Mounts {
			if m.Type == model.MountImage && !slices.Contains(by[m.Source], c.Name) {
				by[m.Source] = append(by[m.Source], c.Name)
			}
		}
	}
	return by, nil
}
