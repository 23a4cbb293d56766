package engine

import (
	"context"
	"fmt"
	"io"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
)

// runtimeMade are the paths the runtime creates in a rootfs as mount
// targets; Diff leaves them out, as Podman does.
var runtimeMade = map[string]bool{
	"/dev": true, "/etc/hostname": true, "/etc/hosts": true, "/etc/resolv.conf": true, "/etc/mtab": true,
	"/proc": true, "/run": true, "/run/.containerenv": true, "/run/secrets": true, "/sys": true,
}

// Diff lists what a container changed in its rootfs against its image.
func (e *Engine) Diff(ctx context.Context, ref string) ([]image.Change, error) {
	c, err := e.store.Container(ctx, ref)
	if err == nil {
		err = needsStorage(c, "diff")
	}
	if err != nil {
		return nil, err
	}
	all, err := e.images.Changes(c.ID)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, ch := range all {
		if !runtimeMade[ch.Path] {
			out = append(out, ch)
		}
	}
	return out, nil
}

// Export writes a container's rootfs to w as a tar.
func (e *Engine) Export(ctx context.Context, ref string, w io.Writer) error {
	c, err := e.store.Container(ctx, ref)
	if err == nil {
		err = needsStorage(c, "export")
	}
	if err != nil {
		return err
	}
	return e.images.Export(c.ID, w)
}

// Mount mounts a container's rootfs and returns where. Each Mount counts
// (as in Podman): the rootfs stays mounted until as many unmounts, or rm.
func (e *Engine) Mount(ctx context.Context, ref string) (string, error) {
	c, unlock, err := e.lockedContainer(ctx, ref)
	if err != nil {
		return "", err
	}
	defer unlock()
	return e.mountRootfs(c)
}

// Unmount drops one mount of a container's rootfs (all of them with force).
// The last mount of a running container is its own: that is a conflict.
func (e *Engine) Unmount(ctx context.Context, ref string, force bool) (*model.Container, error) {
	c, err := e.container(ctx, ref)
	if err != nil {
		return nil, err
	}
	unlock, err := e.lock(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	n, err := e.images.Mounted(c.ID)
	if err != nil || n == 0 {
		return c, err
	}
	if n == 1 && c.State.Status == model.Running {
		return nil, fmt.Errorf("cannot unmount the rootfs of container %q as it is running: %w", c.Name, errdefs.ErrConflict)
	}
	return c, e.images.Unmount(c.ID, force)
}

// MountedContainer is one line of `mount` without arguments.
type MountedContainer struct {
	Container  *model.Container
	Mountpoint string
}

// Mounted lists the containers whose rootfs is mounted, with where.
func (e *Engine) Mounted(ctx context.Context) ([]MountedContainer, error) {
	all, err := e.store.Containers(ctx)
	if err != nil {
		return nil, err
	}
	var out []MountedContainer
	for _, c := range all {
		if n, err := e.images.Mounted(c.ID); err != nil || n == 0 {
			continue
		}
		// A second mount only raises the count and returns the same path.
		p, err := e.images.Mount(c.ID)
		if err != nil {
			continue
		}
		_ = e.images.Unmount(c.ID, false)
		out = append(out, MountedContainer{Container: c, Mountpoint: p})
	}
	return out, nil
}

// Rename gives a container a new name. Its next transient unit takes the
// new name; a running one keeps its unit (systemd cannot rename a unit)
// until it stops. A container that a unit file runs is refused: the file
// names it, so rename it there.
func (e *Engine) Rename(ctx context.Context, ref, newName string) error {
	if err := names.Validate("container", newName); err != nil {
		return err
	}
	c, unlock, err := e.lockedContainer(ctx, ref)
	if err != nil {
		return err
	}
	defer unlock()
	oldName := c.Name
	if err := e.setName(ctx, c.ID, newName); err != nil {
		return err
	}
	if err := e.images.RenameRootfs(c.ID, newName); err != nil && c.Config.Rootfs == "" {
		_ = e.setName(ctx, c.ID, oldName)
		return err
	}
	return nil
}

// setName renames the record; transient units are podunit-*.service, any
// other unit comes from a unit file.
func (e *Engine) setName(ctx context.Context, id, name string) error {
	_, err := e.store.UpdateContainer(ctx, id, func(c *model.Container) error {
		if u := c.State.Unit; InUnitFile(c) {
			return fmt.Errorf("container %q is run by the unit file %s: rename it there: %w", c.Name, u, errdefs.ErrConflict)
		}
		c.Name = name
		return nil
	})
	return err
}

// lockedContainer finds a container and takes its lock; the caller runs
// the returned unlock.
func (e *Engine) lockedContainer(ctx context.Context, ref string) (*model.Container, func(), error) {
	c, err := e.store.Container(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	unlock, err := e.lock(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	if c, err = e.store.Container(ctx, c.ID); err != nil {
		unlock()
		return nil, nil, err
	}
	return c, unlock, nil
}
