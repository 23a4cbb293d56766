package engine

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/spec"
)

// imageMountsFile lists, in a container's bundle, the IDs of the images
// prepare mounted for it, one a line, so release unmounts exactly those.
const imageMountsFile = "image-mounts"

// storageInput fills in the spec's devices and mounts for a start: image
// mounts are mounted, overlay (O) mounts get their upper and work
// directories in the bundle, U mounts are chowned to the container's user.
// c's volume sources are their directories by now (withVolumes).
func (e *Engine) storageInput(c *model.Container, in *spec.Input, bundle string) error {
	if err := deviceInput(c.Config.Privileged, &c.Config.Storage, in); err != nil {
		return fmt.Errorf("container %q: %w", c.Name, err)
	}
	in.Mounts = nil
	for i, m := range c.Config.Mounts {
		if slices.Contains(m.Options, optIDMap) && len(in.UIDMappings) == 0 {
			return fmt.Errorf("container %q: %w", c.Name, idmapWithoutUserNS(m))
		}
		sm, err := e.specMount(m, in.Rootfs, c.Config.User, filepath.Join(bundle, "overlay", strconv.Itoa(i)), bundle)
		if err != nil {
			return fmt.Errorf("container %q: mount on %s: %w", c.Name, m.Destination, err)
		}
		in.Mounts = append(in.Mounts, sm)
	}
	return nil
}

// specMount is the spec's mount for m; overlayDir is where an O mount's
// upper and work directories go.
func (e *Engine) specMount(m model.Mount, rootfs, user, overlayDir, bundle string) (spec.Mount, error) {
	sm := spec.Mount{Source: m.Source, Destination: m.Destination, ReadOnly: m.ReadOnly, Options: runtimeOptions(m)}
	switch m.Type {
	case model.MountImage:
		p, err := e.mountImage(m.Source, bundle)
		sm.Source = p
		if err != nil || m.ReadOnly {
			return sm, err
		}
		return overlayInput(sm, overlayDir) // rw=true: writes go to the bundle
	case model.MountDevpts:
		sm.Type, sm.Source = spec.MountDevpts, ""
		return sm, nil
	case model.MountRamfs:
		sm.Type, sm.Source = spec.MountRamfs, ""
		return sm, nil
	}
	if slices.Contains(m.Options, optChown) {
		if err := chownTree(m.Source, rootfs, user); err != nil {
			return sm, err
		}
	}
	if slices.Contains(m.Options, optOverlay) {
		return overlayInput(sm, overlayDir)
	}
	return sm, nil
}

// runtimeOptions are a mount's options for the runtime: those podunit
// acts on itself left out.
func runtimeOptions(m model.Mount) []string {
	return slices.DeleteFunc(slices.Clone(m.Options), func(o string) bool {
		return o == optNoCopy || o == optChown || o == optOverlay
	})
}

// overlayInput makes sm an overlay with sm.Source as its lower directory
// and fresh upper and work directories under dir, which the bundle's
// removal clears: the container's writes are gone when it stops. Upper and
// work directories the options name (O,upperdir=…,workdir=…) are used
// instead, and keep the writes.
func overlayInput(sm spec.Mount, dir string) (spec.Mount, error) {
	sm.Type = spec.MountOverlay
	sm.Options = slices.DeleteFunc(sm.Options, func(o string) bool { return o == "bind" || o == "rbind" })
	if slices.ContainsFunc(sm.Options, func(o string) bool { return strings.HasPrefix(o, "upperdir=") }) {
		return sm, nil
	}
	upper, work := filepath.Join(dir, "upper"), filepath.Join(dir, "work")
	if err := os.RemoveAll(dir); err != nil {
		return sm, err
	}
	for _, d := range []string{upper, work} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return sm, err
		}
	}
	sm.Options = append([]string{"upperdir=" + upper, "workdir=" + work}, sm.Options...)
	return sm, nil
}

// chownTree gives everything under dir (symbolic links themselves, never
// their targets) to the container's user and group, resolved in rootfs.
func chownTree(dir, rootfs, user string) error {
	u, err := spec.ResolveUser(rootfs, user)
	if err != nil {
		return err
	}
	return filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(u.UID), int(u.GID))
	})
}

// mountImage mounts an image for an image mount and notes it in the
// bundle after the mount: a crash between leaves a mount count too high,
// never one too low for another user of the image.
func (e *Engine) mountImage(id, bundle string) (string, error) {
	p, err := e.images.MountImage(id)
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(filepath.Join(bundle, imageMountsFile), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return "", errors.Join(err, e.images.UnmountImage(id))
	}
	_, err = fmt.Fprintln(f, id)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return p, err
}

// releaseImages unmounts the images the bundle's list names, then the list.
func (e *Engine) releaseImages(bundle string) error {
	list := filepath.Join(bundle, imageMountsFile)
	f, err := os.Open(list)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if err := e.images.UnmountImage(sc.Text()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return os.Remove(list)
}
