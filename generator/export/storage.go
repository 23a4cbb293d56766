package export

import (
	"strings"

	"github.com/podunit/podunit/engine/model"
)

// storageFlags are the flags that make cfg's mounts, devices and
// read-only tmpfs choice again.
func storageFlags(cfg *model.Config) []string {
	var args []string
	for _, m := range cfg.Mounts {
		args = append(args, mountFlag(m)...)
	}
	for _, d := range cfg.Devices {
		args = append(args, "--device", d.PathOnHost+":"+d.PathInContainer+":"+d.CgroupPermissions)
	}
	for _, r := range cfg.DeviceCgroupRules {
		args = append(args, "--device-cgroup-rule", r)
	}
	if cfg.NoReadOnlyTmpfs {
		args = append(args, "--read-only-tmpfs=false")
	}
	return args
}

// imageArgs name what the container runs from: its image, or --rootfs
// and its directory.
func imageArgs(c *model.Container) []string {
	if c.Config.Rootfs != "" {
		return []string{"--rootfs", c.Config.Rootfs}
	}
	return []string{c.Image}
}

// mountFlag is the -v or --mount that makes m: an anonymous volume as
// -v /path (a new one), a bind or named volume as -v SRC:DST with its
// options, the other kinds as --mount.
func mountFlag(m model.Mount) []string {
	switch m.Type {
	case model.MountImage:
		rw := ""
		if !m.ReadOnly {
			rw = ",rw=true"
		}
		return []string{"--mount", "type=image,src=" + m.Source + ",dst=" + m.Destination + rw}
	case model.MountDevpts:
		return []string{"--mount", strings.Join(append([]string{"type=devpts", "dst=" + m.Destination}, m.Options...), ",")}
	case model.MountRamfs:
		f := []string{"type=ramfs", "dst=" + m.Destination}
		if m.ReadOnly {
			f = append(f, "ro=true")
		}
		for _, o := range m.Options {
			f = append(f, "tmpfs-"+o) // mode=N
		}
		return []string{"--mount", strings.Join(f, ",")}
	}
	if m.SubPath != "" {
		return subPathMount(m)
	}
	var opts []string
	if m.ReadOnly {
		opts = append(opts, "ro")
	}
	opts = append(opts, m.Options...)
	v := m.Source + ":" + m.Destination
	if m.Anonymous {
		v = m.Destination
	}
	if len(opts) > 0 {
		v += ":" + strings.Join(opts, ",")
	}
	return []string{"-v", v}
}

// subPathMount is the --mount of a volume mount with a subpath (-v has no
// way to say it).
func subPathMount(m model.Mount) []string {
	f := []string{"type=volume", "src=" + m.Source, "dst=" + m.Destination, "subpath=" + m.SubPath}
	if m.ReadOnly {
		f = append(f, "ro=true")
	}
	for _, o := range m.Options {
		if o == "nocopy" {
			o = "volume-nocopy"
		}
		f = append(f, o)
	}
	return []string{"--mount", strings.Join(f, ",")}
}
