package spec

import (
	"fmt"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/errdefs"
)

// The Mount.Type values beyond a bind.
const (
	MountDevpts  = "devpts"  // a new pseudo-terminal instance; Options are its own
	MountRamfs   = "ramfs"   // a RAM file system; Options are its own
	MountOverlay = "overlay" // Source is the lower directory; Options hold upperdir= and workdir=
)

// userMount turns one of the caller's mounts into the spec's.
func userMount(m Mount) (specs.Mount, error) {
	switch m.Type {
	case "", "bind":
		return bindMount(m)
	case MountDevpts:
		return fsMount(m, "devpts", []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"})
	case MountRamfs:
		return fsMount(m, "ramfs", []string{"rw", "nosuid", "nodev"})
	case MountOverlay:
		return overlayMount(m)
	}
	return specs.Mount{}, fmt.Errorf("mount on %s: unknown type %q: %w", m.Destination, m.Type, errdefs.ErrInvalidArgument)
}

// fsMount mounts a new file system of type kind with the default options,
// each replaced by a given option of the same key (mode=0600 replaces
// mode=0620, ro replaces rw).
func fsMount(m Mount, kind string, defaults []string) (specs.Mount, error) {
	dest, err := destination(m.Destination)
	if err != nil {
		return specs.Mount{}, err
	}
	opts := slices.DeleteFunc(slices.Clone(defaults), func(d string) bool {
		return slices.ContainsFunc(m.Options, func(o string) bool { return sameOption(o, d) })
	})
	if m.ReadOnly {
		opts = slices.DeleteFunc(opts, func(o string) bool { return o == "rw" })
		opts = append(opts, "ro")
	}
	return specs.Mount{Destination: dest, Type: kind, Source: kind, Options: append(opts, m.Options...)}, nil
}

// sameOption reports whether two mount options set the same thing.
func sameOption(a, b string) bool {
	ka, _, _ := strings.Cut(a, "=")
	kb, _, _ := strings.Cut(b, "=")
	rwPair := (ka == "ro" || ka == "rw") && (kb == "ro" || kb == "rw")
	return ka == kb || rwPair
}

// overlayMount mounts Source as the lower directory of an overlay whose
// upperdir= and workdir= the options give: writes land there, not in Source.
func overlayMount(m Mount) (specs.Mount, error) {
	dest, err := destination(m.Destination)
	if err != nil {
		return specs.Mount{}, err
	}
	opts := []string{"lowerdir=" + m.Source}
	opts = append(opts, m.Options...)
	if m.ReadOnly {
		opts = append(opts, "ro")
	}
	return specs.Mount{Destination: dest, Type: "overlay", Source: "overlay", Options: opts}, nil
}

// readOnlyDev makes /dev and /dev/shm read-only, for --read-only with
// --read-only-tmpfs=false.
func readOnlyDev(mounts []specs.Mount) []specs.Mount {
	out := slices.Clone(mounts)
	for i, m := range out {
		if m.Destination == "/dev" || m.Destination == "/dev/shm" {
			out[i].Options = append(slices.Clone(m.Options), "ro")
		}
	}
	return out
}
