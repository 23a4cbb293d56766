package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/volume"
)

// VolumeCreateOptions is what `volume create` is asked for.
type VolumeCreateOptions struct {
	Name           string            // "" generates a 64-hex-digit name, as Podman does
	Driver         string            // "" or "local", the only driver
	Labels         map[string]string // -l
	Options        map[string]string // --opt: type=tmpfs|none, o=…, device=…, uid=, gid=
	IgnoreIfExists bool              // --ignore: a volume of that name is success, unchanged
}

// volumeDir is where volumes live: <graphroot>/podunit/volumes.
func (e *Engine) volumeDir() volume.Dir {
	return volume.Dir(filepath.Join(e.cfg.StorageRoot, "podunit", "volumes"))
}

// lockVolume takes a volume's lock. A volume lock is never held while
// waiting for a container's lock. As a container's, its unlock removes the
// lock file if the volume is gone (a create that failed, a use that lost a
// race to volume rm).
func (e *Engine) lockVolume(ctx context.Context, name string) (func(), error) {
	return e.lockWhile(ctx, volumeLock(name), func() bool {
		ok, err := e.store.HasVolume(context.WithoutCancel(ctx), name)
		return ok || err != nil // unsure: keep the lock file
	})
}

func volumeLock(name string) string { return "volume-" + name }

// VolumeCreate records a volume, then makes its directory. A crash in
// between leaves a record whose directory the first use makes.
func (e *Engine) VolumeCreate(ctx context.Context, o VolumeCreateOptions) (*model.Volume, error) {
	if o.Name == "" {
		o.Name = names.NewID()
	}
	if err := names.Validate("volume", o.Name); err != nil {
		return nil, err
	}
	if o.IgnoreIfExists {
		if v, err := e.store.Volume(ctx, o.Name); err == nil {
			return v, nil
		}
	}
	if o.Driver == DriverImage {
		return e.imageVolumeCreate(ctx, o)
	}
	if o.Driver != "" && o.Driver != "local" {
		return nil, fmt.Errorf("volume driver %q: podunit has the local and image drivers: %w", o.Driver, errdefs.ErrInvalidArgument)
	}
	opts, err := volume.Parse(o.Options)
	if err != nil {
		return nil, fmt.Errorf("volume %s: %w", o.Name, err)
	}
	v := &model.Volume{Name: o.Name, Driver: "local", Created: time.Now().UTC(), Labels: o.Labels,
		Options: o.Options, Mountpoint: e.volumeDir().Mountpoint(o.Name, opts), NeedsCopyUp: opts.Type == "" && !opts.NoCopy}
	return e.recordVolume(ctx, v, o.IgnoreIfExists, func() error { return e.volumeDir().Create(o.Name, opts) })
}

// recordVolume records v, then makes what it stands for, under the
// volume's lock; a make that fails takes the record back. With ignore, an
// existing volume of that name is returned as it is.
func (e *Engine) recordVolume(ctx context.Context, v *model.Volume, ignore bool, make func() error) (*model.Volume, error) {
	unlock, err := e.lockVolume(ctx, v.Name)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := e.finishRemoval(ctx, v.Name); err != nil { // of an earlier volume of that name
		return nil, err
	}
	if err := e.store.AddVolume(ctx, v); err != nil {
		if errdefs.IsAlreadyExists(err) && ignore {
			return e.store.Volume(ctx, v.Name)
		}
		return nil, err
	}
	if err := make(); err != nil {
		_ = e.store.RemoveVolume(context.WithoutCancel(ctx), v.Name)
		return nil, err
	}
	e.volumeEvent(v, "create")
	return v, nil
}

// Volume finds a volume by name.
func (e *Engine) Volume(ctx context.Context, name string) (*model.Volume, error) {
	return e.store.Volume(ctx, name)
}

// Volumes lists every volume by name.
func (e *Engine) Volumes(ctx context.Context) ([]*model.Volume, error) {
	return e.store.Volumes(ctx)
}

// VolumeExists reports whether a volume of that name exists.
func (e *Engine) VolumeExists(ctx context.Context, name string) (bool, error) {
	_, err := e.store.Volume(ctx, name)
	if errdefs.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// VolumeUsers lists the containers that mount a volume.
func (e *Engine) VolumeUsers(ctx context.Context, name string) ([]*model.Container, error) {
	return e.store.VolumeUsers(ctx, name)
}

// VolumeRemove deletes a volume: it marks its directory as being removed,
// deletes its record, then its directory (and an image volume's storage
// container). A kill after the record went leaves a marked directory,
// which the next `volume rm` of that name (answering that there is no such
// volume) or system check finishes; an unmarked directory without a
// record is a volume whose record was lost, which system check rebuilds.
// A volume in use is refused with ErrConflict naming its users; with force,
// the users are removed first if none is running, as `podman volume rm -f`
// does, less stopping running ones.
func (e *Engine) VolumeRemove(ctx context.Context, name string, force bool) error {
	v, err := e.store.Volume(ctx, name)
	if errdefs.IsNotFound(err) && names.Validate("volume", name) == nil {
		// what a killed removal or create of that name left
		if ferr := e.finishVolumeRemoval(ctx, name); ferr != nil {
			return ferr
		}
	}
	if err != nil {
		return err
	}
	if force {
		if err := e.removeVolumeUsers(ctx, name); err != nil {
			return err
		}
	}
	unlock, err := e.lockVolume(ctx, name)
	if err != nil {
		return err
	}
	defer unlock()
	dir := e.volumeDir()
	if err := dir.MarkRemoval(name, v.Options["storage"]); err != nil {
		return err
	}
	if err := e.store.RemoveVolume(ctx, name); err != nil {
		return errors.Join(err, dir.Unmark(name))
	}
	e.volumeEvent(v, "remove")
	return e.removeVolumeFiles(name, v.Options["storage"]) // the unlock removes the lock file
}

// removeVolumeFiles deletes what volume name kept on disk: its directory
// and, for an image volume, its storage container. The caller holds the
// volume's lock and its record is gone.
func (e *Engine) removeVolumeFiles(name, storage string) error {
	if err := e.volumeDir().Remove(name); err != nil {
		return err
	}
	if storage != "" {
		return e.images.DeleteRootfs(storage)
	}
	return nil
}

// finishVolumeRemoval finishes what a killed command left of volume name,
// which has no record: a removal's marked directory, a create's lock file.
func (e *Engine) finishVolumeRemoval(ctx context.Context, name string) error {
	unlock, err := e.lockVolume(ctx, name) // its unlock drops the lock file
	if err != nil {
		return err
	}
	defer unlock()
	return e.finishRemoval(ctx, name)
}

// finishRemoval deletes the marked directory (and the storage container
// the mark names) that a removal of volume name cut short left, unless a
// volume of that name is recorded. The caller holds the volume's lock.
func (e *Engine) finishRemoval(ctx context.Context, name string) error {
	storage, marked := e.volumeDir().Removal(name)
	if !marked {
		return nil
	}
	if ok, err := e.store.HasVolume(ctx, name); ok || err != nil {
		return err
	}
	if storage != "" && !names.IsID(storage) {
		return fmt.Errorf("volume %s: its removal mark names %q, not a storage container ID: %w", name, storage, errdefs.ErrInvalidArgument)
	}
	return e.removeVolumeFiles(name, storage)
}

// removeVolumeUsers removes the containers that use a volume, after
// checking that none of them runs, so a refusal changes nothing.
func (e *Engine) removeVolumeUsers(ctx context.Context, name string) error {
	users, err := e.store.VolumeUsers(ctx, name)
	if err != nil {
		return err
	}
	for i, c := range users {
		if users[i], err = e.container(ctx, c.ID); err != nil {
			return err
		}
		if s := users[i].State.Status; s == model.Running || s == model.Stopping {
			return fmt.Errorf("volume %s is being used by container %q, which is %s: stop it first: %w",
				name, c.Name, s, errdefs.ErrConflict)
		}
	}
	for _, c := range users {
		if err := e.Remove(ctx, c.ID, RemoveOptions{}); err != nil && !errdefs.IsNotFound(err) {
			return err
		}
	}
	return nil
}

// VolumePrune removes every volume no container uses and returns their
// names. A volume that gains a user meanwhile is left.
func (e *Engine) VolumePrune(ctx context.Context) ([]string, error) {
	return e.VolumePruneFiltered(ctx, nil)
}

// attachVolumes readies a new container's named volumes, once its record
// and rootfs exist: it creates those missing (as Podman does) and fills a
// volume no container has used yet with the image's content at the
// mount's path, unless the mount says nocopy.
func (e *Engine) attachVolumes(ctx context.Context, c *model.Container) error {
	for _, m := range c.Config.Mounts {
		if m.Type != model.MountVolume {
			continue
		}
		v, err := e.VolumeCreate(ctx, VolumeCreateOptions{Name: m.Source, IgnoreIfExists: true})
		if err != nil {
			return err
		}
		if v.NeedsCopyUp && !slices.Contains(m.Options, "nocopy") && m.SubPath == "" { // the image's path fills the whole volume
			if err := e.copyUp(ctx, c, v.Name, m.Destination); err != nil {
				return fmt.Errorf("volume %s: %w", v.Name, err)
			}
		}
	}
	return nil
}

// copyUp copies the content of path in c's image into the volume, under
// the volume's lock, and records that the volume has had its copy-up.
func (e *Engine) copyUp(ctx context.Context, c *model.Container, name, path string) error {
	unlock, err := e.lockVolume(ctx, name)
	if err != nil {
		return err
	}
	defer unlock()
	v, err := e.store.Volume(ctx, name)
	if err != nil || !v.NeedsCopyUp {
		return err
	}
	opts, err := volume.Parse(v.Options)
	if err != nil {
		return err
	}
	mp, err := e.volumeDir().Ready(name, opts)
	if err != nil {
		return err
	}
	rootfs, err := e.mountRootfs(c)
	if err != nil {
		return err
	}
	_, err = volume.CopyUp(rootfs, path, mp)
	if uerr := e.unmountRootfs(c); err == nil {
		err = uerr
	}
	if err != nil {
		return err
	}
	return e.copiedUp(ctx, name)
}

// copiedUp records that a volume needs no copy-up from an image any more.
func (e *Engine) copiedUp(ctx context.Context, name string) error {
	_, err := e.store.UpdateVolume(ctx, name, func(v *model.Volume) error {
		v.NeedsCopyUp = false
		return nil
	})
	return err
}

// withVolumes returns c with each named volume mount's Source set to the
// volume's host directory, each volume made ready first: created if it is
// missing, its directory remade, its tmpfs mounted (a tmpfs volume is
// mounted at first use and stays mounted until `volume rm` or a reboot).
// c itself is unchanged.
func (e *Engine) withVolumes(ctx context.Context, c *model.Container) (*model.Container, error) {
	if !slices.ContainsFunc(c.Config.Mounts, func(m model.Mount) bool { return m.Type == model.MountVolume }) {
		return c, nil
	}
	cp := *c
	cp.Config.Mounts = slices.Clone(c.Config.Mounts)
	for i, m := range cp.Config.Mounts {
		if m.Type != model.MountVolume {
			continue
		}
		mp, err := e.readyVolume(ctx, m.Source)
		if err != nil {
			return nil, fmt.Errorf("container %q: volume %s: %w", c.Name, m.Source, err)
		}
		if cp.Config.Mounts[i].Source, err = subPathIn(mp, m.SubPath); err != nil {
			return nil, fmt.Errorf("container %q: volume %s: %w", c.Name, m.Source, err)
		}
	}
	return &cp, nil
}

// readyVolume makes a volume usable and returns its mountpoint.
func (e *Engine) readyVolume(ctx context.Context, name string) (string, error) {
	v, err := e.VolumeCreate(ctx, VolumeCreateOptions{Name: name, IgnoreIfExists: true})
	if err != nil {
		return "", err
	}
	unlock, err := e.lockVolume(ctx, name)
	if err != nil {
		return "", err
	}
	defer unlock()
	if v.Driver == DriverImage {
		return e.readyImageVolume(v)
	}
	opts, err := volume.Parse(v.Options)
	if err != nil {
		return "", err
	}
	return e.volumeDir().Ready(name, opts)
}
