package spec

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/errdefs"
)

// buildMounts returns the standard mounts, the read-only tmpfs mounts when
// the rootfs is read-only, and the caller's binds and tmpfs mounts. A
// caller's mount replaces a default one on the same destination. Parents
// come before their children (sorted by depth, stable otherwise).
func buildMounts(in Input) ([]specs.Mount, error) {
	user, err := userMounts(in)
	if err != nil {
		return nil, err
	}
	taken := make(map[string]bool, len(user))
	for _, m := range user {
		taken[m.Destination] = true
	}
	defaults := standardMounts(in.Privileged)
	switch {
	case in.ReadOnly && in.NoReadOnlyTmpfs:
		defaults = readOnlyDev(defaults)
	case in.ReadOnly:
		defaults = append(defaults, readOnlyTmpfs()...)
	}
	var out []specs.Mount
	for _, m := range defaults {
		if !taken[m.Destination] {
			out = append(out, m)
		}
	}
	out = append(out, user...)
	slices.SortStableFunc(out, func(a, b specs.Mount) int {
		return depth(a.Destination) - depth(b.Destination)
	})
	return out, nil
}

func depth(dest string) int {
	if dest == "/" {
		return 0
	}
	return strings.Count(dest, "/")
}

// standardMounts are the mounts of podman's default spec. A privileged
// container gets /sys and /sys/fs/cgroup read-write.
func standardMounts(privileged bool) []specs.Mount {
	ro := "ro"
	if privileged {
		ro = "rw"
	}
	return []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
		{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
		{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", ro}},
		{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup", Options: []string{"nosuid", "noexec", "nodev", "relatime", ro}},
	}
}

// readOnlyTmpfs are the writable tmpfs mounts podman gives a container with
// a read-only rootfs (--read-only-tmpfs, true by default). tmpcopyup, which
// crun and runc both know, copies the image's content up.
func readOnlyTmpfs() []specs.Mount {
	opts := func(mode string) []string {
		return []string{"rw", "rprivate", "nosuid", "nodev", "tmpcopyup", mode}
	}
	return []specs.Mount{
		{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs", Options: opts("mode=1777")},
		{Destination: "/var/tmp", Type: "tmpfs", Source: "tmpfs", Options: opts("mode=1777")},
		{Destination: "/run", Type: "tmpfs", Source: "tmpfs", Options: opts("mode=755")},
	}
}

// userMounts returns the caller's binds and tmpfs mounts, with clean
// destinations; two on one destination are an error.
func userMounts(in Input) ([]specs.Mount, error) {
	out := make([]specs.Mount, 0, len(in.Mounts)+len(in.Tmpfs))
	for _, m := range in.Mounts {
		b, err := userMount(m)
		if err != nil {
			return nil, err
		}
		if slices.Contains(b.Options, "idmap") {
			// idmapped with the container's own maps: a file the host's
			// root owns is the container root's
			b.UIDMappings, b.GIDMappings = slices.Clone(in.UIDMappings), slices.Clone(in.GIDMappings)
		}
		out = append(out, b)
	}
	for _, t := range in.Tmpfs {
		m, err := tmpfsMount(t)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	seen := make(map[string]bool, len(out))
	for _, m := range out {
		if seen[m.Destination] {
			return nil, fmt.Errorf("two mounts on %s: %w", m.Destination, errdefs.ErrInvalidArgument)
		}
		seen[m.Destination] = true
	}
	return out, nil
}

// bindMount mounts m.Source with "rbind" (unless the options say "bind")
// and "ro" or "rw", followed by m.Options.
func bindMount(m Mount) (specs.Mount, error) {
	if !filepath.IsAbs(m.Source) {
		return specs.Mount{}, fmt.Errorf("bind source %q is not an absolute path: %w", m.Source, errdefs.ErrInvalidArgument)
	}
	dest, err := destination(m.Destination)
	if err != nil {
		return specs.Mount{}, err
	}
	var opts []string
	if !slices.Contains(m.Options, "bind") && !slices.Contains(m.Options, "rbind") {
		opts = append(opts, "rbind")
	}
	switch {
	case m.ReadOnly:
		opts = append(opts, "ro")
	case !slices.Contains(m.Options, "ro") && !slices.Contains(m.Options, "rw"):
		opts = append(opts, "rw")
	}
	for _, o := range m.Options {
		if !(m.ReadOnly && o == "rw") && !slices.Contains(opts, o) {
			opts = append(opts, o)
		}
	}
	return specs.Mount{Destination: dest, Type: "bind", Source: m.Source, Options: opts}, nil
}

// tmpfsOverrides lists, for an option a caller may give, the default it
// replaces.
var tmpfsOverrides = map[string]string{"ro": "rw", "suid": "nosuid", "dev": "nodev"}

// tmpfsMount parses "/path[:opts]" into a tmpfs mount with the options
// "rw,nosuid,nodev" unless opts say otherwise.
func tmpfsMount(spec string) (specs.Mount, error) {
	path, optStr, _ := strings.Cut(spec, ":")
	dest, err := destination(path)
	if err != nil {
		return specs.Mount{}, fmt.Errorf("tmpfs %q: %w", spec, err)
	}
	var given []string
	if optStr != "" {
		given = strings.Split(optStr, ",")
	}
	var opts []string
	for _, d := range []string{"rw", "nosuid", "nodev"} {
		replaced := false
		for o, def := range tmpfsOverrides {
			replaced = replaced || (def == d && slices.Contains(given, o))
		}
		if !replaced && !slices.Contains(given, d) {
			opts = append(opts, d)
		}
	}
	for _, o := range given {
		if o == "" {
			return specs.Mount{}, fmt.Errorf("tmpfs %q: empty option: %w", spec, errdefs.ErrInvalidArgument)
		}
		opts = append(opts, o)
	}
	return specs.Mount{Destination: dest, Type: "tmpfs", Source: "tmpfs", Options: opts}, nil
}

func destination(path string) (string, error) {
	if !filepath.IsAbs(path) {
		return "", fmt.Errorf("mount destination %q is not an absolute path: %w", path, errdefs.ErrInvalidArgument)
	}
	return filepath.Clean(path), nil
}
