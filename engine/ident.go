package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/oci"
	"github.com/podunit/podunit/engine/rootless"
	"github.com/podunit/podunit/engine/spec"
)

// createRootfs makes c's storage container (with its record copy), its
// files owned by the user namespace c asks for, and records what it made
// (recordGraph); an --rm container's is volatile, as Podman's.
func (e *Engine) createRootfs(ctx context.Context, c *model.Container) error {
	if c.Config.Rootfs != "" {
		return nil // --rootfs: the user's directory
	}
	ns, err := e.rootfsUserNS(ctx, c)
	if err != nil {
		return err
	}
	g, err := e.images.CreateRootfsWith(ctx, c.ImageID, c.ID, c.Name,
		image.RootfsOptions{Record: recordCopy(c), UserNS: ns, Volatile: c.Config.Remove})
	if err != nil {
		return err
	}
	e.recordGraph(ctx, c, g)
	return nil
}

// remakeRootfs makes c's storage container again (repair, a new image
// followed) once the old one is gone: what was recorded of the old one is
// forgotten first, so no crash leaves it standing for the new one.
func (e *Engine) remakeRootfs(ctx context.Context, c *model.Container) error {
	if err := e.store.SetContainerGraph(ctx, c.ID, nil); err != nil {
		return err
	}
	return e.createRootfs(ctx, c)
}

// recordGraph keeps beside c's record what its rootfs was made of, so that
// inspect opens no store (at 1000 containers storage reads all of their
// records to find one). A failure is a warning and changes nothing else:
// inspect asks storage where nothing is recorded (RootfsGraph).
func (e *Engine) recordGraph(ctx context.Context, c *model.Container, g *image.Graph) {
	err := e.store.SetContainerGraph(ctx, c.ID, &model.Graph{Driver: g.Driver.Name, Dirs: g.Driver.Data, ImageDigest: g.ImageDigest})
	if err != nil && e.cfg.Warn != nil {
		e.cfg.Warn(fmt.Errorf("container %q: recording its rootfs's directories: %w", c.Name, err))
	}
}

// RootfsGraph is inspect's Driver, GraphDriver and ImageDigest of c: as
// recorded when its rootfs was made, else (a record system check rebuilt,
// or one made before podunit kept them) as storage says. A --rootfs
// container has the driver's name only. The error is rootless.ErrOutside
// alone: storage's answer was needed and this engine may not open it.
func (e *Engine) RootfsGraph(ctx context.Context, c *model.Container) (image.GraphDriver, string, error) {
	if g, err := e.store.ContainerGraph(ctx, c.ID); err == nil && g != nil {
		return graphDriver(g.Driver, g.Dirs), g.ImageDigest, nil
	}
	if c.Config.Rootfs == "" {
		g, err := e.images.RootfsGraph(c.ID)
		if err == nil {
			return graphDriver(g.Driver.Name, g.Driver.Data), g.ImageDigest, nil
		}
		if errors.Is(err, rootless.ErrOutside) {
			return image.GraphDriver{}, "", err
		}
	}
	return graphDriver(e.images.Driver(), nil), "", nil
}

// graphDriver is inspect's GraphDriver, its Data {} rather than null.
func graphDriver(name string, dirs map[string]string) image.GraphDriver {
	if dirs == nil {
		dirs = map[string]string{}
	}
	return image.GraphDriver{Name: name, Data: dirs}
}

// rootfsUserNS is the user namespace c's rootfs is made for: its pod's, the
// one it joins, or its own.
func (e *Engine) rootfsUserNS(ctx context.Context, c *model.Container) (*image.UserNS, error) {
	switch {
	case strings.HasPrefix(c.Config.UserNS, "container:") || strings.HasPrefix(c.Config.UserNS, "ns:"):
		return e.joinedUserNS(c)
	case c.Config.Pod != "" && c.Config.NewUserNS():
		p, err := e.podOf(ctx, c)
		if err != nil {
			return nil, err
		}
		if p.Config.NewUserNS() {
			return e.podUserNS(p)
		}
	}
	return userNSRequest(c.Config.UserNSConfig)
}

// identityInput puts c's user namespace, groups, security options and
// init into in, and returns the runtime as --cgroups wants it.
func (e *Engine) identityInput(ctx context.Context, c *model.Container, in *spec.Input, rt *oci.Runtime) (*oci.Runtime, error) {
	id := c.Config.Identity
	if err := e.userNSInput(ctx, c, in); err != nil {
		return nil, err
	}
	o, err := parseSecurityOpts(id.SecurityOpt)
	if err != nil {
		return nil, err
	}
	if in.SeccompProfile, err = seccompProfile(o.seccomp); err != nil {
		return nil, err
	}
	in.SeccompUnconfined = o.seccomp == "unconfined"
	if o.apparmor != "unconfined" {
		in.AppArmorProfile = o.apparmor
	}
	in.NoNewPrivileges = in.NoNewPrivileges || o.noNewPrivs
	in.Mask, in.Unmask, in.GroupAdd = o.mask, o.unmask, id.GroupAdd
	if in.InitPath, err = initBinary(id); err != nil {
		return nil, err
	}
	if id.CgroupsMode == "disabled" {
		own := *rt
		own.NoCgroups = true
		in.CgroupsPath = ""
		return &own, nil
	}
	return rt, nil
}

// userNSInput puts the maps c's rootfs was made for (and the namespace it
// joins) into in, and lets the namespace's root reach the rootfs and bundle.
func (e *Engine) userNSInput(ctx context.Context, c *model.Container, in *spec.Input) error {
	if !c.Config.NewUserNS() {
		return nil
	}
	uids, gids, err := e.images.RootfsIDMaps(c.ID)
	if err != nil {
		return err
	}
	in.UIDMappings, in.GIDMappings = specMaps(uids), specMaps(gids)
	if in.UserNSPath, err = e.userNSPath(ctx, c); err != nil {
		return err
	}
	uid, gid := rootIDs(in)
	if err := os.MkdirAll(e.bundleDir(c.ID), 0o700); err != nil {
		return err
	}
	for _, dir := range []string{in.Rootfs, e.bundleDir(c.ID)} {
		if err := makeAccessible(dir, uid, gid); err != nil {
			return err
		}
	}
	return nil
}

func specMaps(maps []image.IDMap) []specs.LinuxIDMapping {
	var out []specs.LinuxIDMapping
	for _, m := range maps {
		out = append(out, specs.LinuxIDMapping{ContainerID: uint32(m.ContainerID), HostID: uint32(m.HostID), Size: uint32(m.Size)}) //nolint:gosec // IDs are below 2^32
	}
	return out
}

// makeAccessible lets the user-namespace root (host IDs uid:gid) reach dir:
// the runtime mounts the rootfs and the bundle's files from inside the
// namespace, so every directory above them needs the search bit for it.
// Podman does the same; only x bits are added (nothing becomes listable).
func makeAccessible(dir string, uid, gid int) error {
	for ; dir != "/" && dir != "."; dir = filepath.Dir(dir) {
		fi, err := os.Stat(dir)
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if ok && int(st.Uid) == uid && int(st.Gid) == gid || fi.Mode().Perm()&0o111 == 0o111 {
			continue
		}
		if err := os.Chmod(dir, fi.Mode().Perm()|0o111); err != nil {
			return fmt.Errorf("letting the user namespace reach %s: %w", dir, err)
		}
	}
	return nil
}

// rootIDs are the host IDs of the namespace's root (its container ID 0).
func rootIDs(in *spec.Input) (int, int) {
	find := func(maps []specs.LinuxIDMapping) int {
		for _, m := range maps {
			if m.ContainerID == 0 {
				return int(m.HostID)
			}
		}
		return 0
	}
	return find(in.UIDMappings), find(in.GIDMappings)
}
