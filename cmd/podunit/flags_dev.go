package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/model"
)

// devFlags are run's and create's flags for devices and the read-only
// rootfs's tmpfs mounts.
type devFlags struct {
	devices, deviceRules []string
	readOnlyTmpfs        bool
	rootfs               bool
}

func (f *devFlags) register(fs *pflag.FlagSet) {
	stringArrayVar(fs, &f.devices, "device", "give the container a host device (or a directory of them): HOST[:CONTAINER][:PERMISSIONS], permissions some of rwm")
	stringArrayVar(fs, &f.deviceRules, "device-cgroup-rule", `allow devices in the container's cgroup: "TYPE MAJOR:MINOR ACCESS", as "c 1:3 rwm"`)
	fs.BoolVar(&f.readOnlyTmpfs, "read-only-tmpfs", true, "with --read-only: writable tmpfs on /run, /tmp and /var/tmp (false: those and /dev, /dev/shm read-only)")
	fs.BoolVar(&f.rootfs, "rootfs", false, "the first argument is a directory to run from instead of an image")
}

// applyRootfs makes the image argument the --rootfs directory (absolute).
func (f *devFlags) applyRootfs(o *engine.CreateOptions) error {
	if !f.rootfs {
		return nil
	}
	abs, err := filepath.Abs(o.Image)
	if err != nil {
		return fmt.Errorf("--rootfs %s: %w", o.Image, err)
	}
	o.Rootfs, o.Image = abs, ""
	return nil
}

func (f *devFlags) apply(s *model.Storage) error {
	for _, v := range f.devices {
		d, err := engine.ParseDevice(v)
		if err != nil {
			return err
		}
		s.Devices = append(s.Devices, d)
	}
	s.DeviceCgroupRules = f.deviceRules
	s.NoReadOnlyTmpfs = !f.readOnlyTmpfs
	return nil
}

// parseVolume reads -v SRC:DST[:OPTS] and -v DST[:OPTS]: a SRC starting
// with / or . is a host path (bind mount), anything else a named volume;
// with no SRC, a new anonymous volume.
func parseVolume(v string) (model.Mount, error) {
	parts := strings.Split(v, ":")
	anonymous := strings.HasPrefix(v, "/") && (len(parts) == 1 || len(parts) == 2 && !strings.HasPrefix(parts[1], "/"))
	if anonymous {
		parts = append([]string{""}, parts...)
	} else if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return model.Mount{}, fmt.Errorf("volume %q: want /host/path:/container/path[:OPTS], NAME:/container/path[:OPTS] or /container/path[:OPTS]", v)
	}
	m := model.Mount{Type: model.MountBind, Source: parts[0], Destination: parts[1]}
	switch {
	case anonymous:
		m.Type, m.Anonymous = model.MountVolume, true
	case strings.HasPrefix(m.Source, "."):
		abs, err := filepath.Abs(m.Source)
		if err != nil {
			return m, fmt.Errorf("volume %q: %v", v, err)
		}
		m.Source = abs
	case !strings.HasPrefix(m.Source, "/"):
		m.Type = model.MountVolume
	}
	if len(parts) == 3 {
		for _, opt := range strings.Split(parts[2], ",") {
			if err := volumeOption(&m, opt); err != nil {
				return m, fmt.Errorf("volume %q: %w", v, err)
			}
		}
	}
	if err := checkOverlayDirs(m.Options); err != nil {
		return m, fmt.Errorf("volume %q: %w", v, err)
	}
	return m, nil
}

// checkOverlayDirs checks O's upperdir= and workdir=: both or neither,
// absolute, and only with O.
func checkOverlayDirs(opts []string) error {
	var upper, work bool
	for _, o := range opts {
		k, p, _ := strings.Cut(o, "=")
		if k != "upperdir" && k != "workdir" {
			continue
		}
		if !filepath.IsAbs(p) {
			return fmt.Errorf("%s: the path must be absolute", o)
		}
		upper, work = upper || k == "upperdir", work || k == "workdir"
	}
	switch {
	case upper != work:
		return fmt.Errorf("upperdir= and workdir= go together")
	case upper && !slices.Contains(opts, "O"):
		return fmt.Errorf("upperdir= and workdir= are options of O")
	}
	return nil
}

// volumeOption applies one -v option. z and Z (SELinux relabeling) are
// accepted and do nothing: podunit runs without SELinux labels.
func volumeOption(m *model.Mount, opt string) error {
	switch opt {
	case "ro":
		m.ReadOnly = true
	case "rw", "z", "Z", "copy":
	case "nocopy":
		if m.Type != model.MountVolume {
			return fmt.Errorf("nocopy is for named volumes only")
		}
		m.Options = append(m.Options, opt)
	case "U", "O", "rbind", "bind", "rprivate", "private", "rshared", "shared", "rslave", "slave":
		m.Options = append(m.Options, opt)
	default:
		if opt == "idmap" {
			m.Options = append(m.Options, opt) // the engine checks for a user namespace
			return nil
		}
		if strings.HasPrefix(opt, "idmap=") {
			return idmapError(opt)
		}
		if strings.HasPrefix(opt, "upperdir=") || strings.HasPrefix(opt, "workdir=") {
			m.Options = append(m.Options, opt) // O's own, kept across starts
			return nil
		}
		return fmt.Errorf("unknown option %q", opt)
	}
	return nil
}

// idmapError refuses an idmapped mount with maps of its own: podunit maps
// a mount with the container's user namespace's maps only.
func idmapError(opt string) error {
	return fmt.Errorf("%s: an idmapped mount takes the container's user namespace maps; maps of its own are not supported", opt)
}
