package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
)

// Storage is the part of Input for host devices, device cgroup rules and
// the writable tmpfs mounts of a read-only rootfs.
type Storage struct {
	// Devices are created in the container and allowed in its device
	// cgroup with their Access.
	Devices []Device
	// DeviceRules are allowed after the default rules (--device-cgroup-rule).
	DeviceRules []specs.LinuxDeviceCgroup
	// NoReadOnlyTmpfs, with ReadOnly, leaves out the writable tmpfs on
	// /run, /tmp and /var/tmp and makes /dev and /dev/shm read-only.
	NoReadOnlyTmpfs bool
}

// Device is a device node for the container: where and what it is, and
// the access its cgroup rule allows (some of r, w, m).
type Device struct {
	specs.LinuxDevice
	Access string
}

// HostDevices stats host (a device node, or a directory whose device
// nodes it gives, recursively) and returns the devices for the container
// under ctr, with the host's type, numbers, mode and owner. A missing host
// path, or one that is neither, is an error of class ErrInvalidArgument.
func HostDevices(host, ctr, access string) ([]Device, error) {
	fi, err := os.Stat(host)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no such device on the host: %w", errdefs.ErrInvalidArgument)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errdefs.ErrInvalidArgument, err)
	}
	if !fi.IsDir() {
		d, ok, err := hostDevice(host, ctr, access)
		if err == nil && !ok {
			err = fmt.Errorf("not a device node: %w", errdefs.ErrInvalidArgument)
		}
		return []Device{d}, err
	}
	var out []Device
	err = filepath.WalkDir(host, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%w: %w", errdefs.ErrInvalidArgument, err)
		}
		if de.IsDir() || de.Type()&fs.ModeSymlink != 0 { // a link's target is a node of its own
			return nil
		}
		rel, _ := filepath.Rel(host, p)
		d, ok, err := hostDevice(p, filepath.Join(ctr, rel), access)
		if ok {
			out = append(out, d)
		}
		return err
	})
	return out, err
}

// privilegedSkips are the entries of /dev a privileged container does not
// get from the host: directories of their own mounts (pts, shm, mqueue,
// fd) and the nodes every container has or gets its own of.
var privilegedSkips = map[string]bool{
	"pts": true, "shm": true, "mqueue": true, "fd": true, ".lxc": true, ".lxd-mounts": true, ".udev": true,
	"console": true, "ptmx": true, "null": true, "zero": true, "full": true, "random": true, "urandom": true, "tty": true,
}

// PrivilegedDevices are the host's device nodes under dev (/dev) that a
// --privileged container gets, as with Podman: every one but privilegedSkips,
// at the same path, with access rwm.
func PrivilegedDevices(dev string) ([]Device, error) {
	var out []Device
	err := filepath.WalkDir(dev, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return nil // a node that vanished while we walked is none of ours
		}
		rel, _ := filepath.Rel(dev, p)
		if privilegedSkips[rel] {
			if de.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if de.IsDir() || de.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		d, ok, err := hostDevice(p, filepath.Join("/dev", rel), "rwm")
		if ok && err == nil {
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// hostDevice describes the device node at host; ok is false for anything else.
func hostDevice(host, ctr, access string) (Device, bool, error) {
	var st unix.Stat_t
	if err := unix.Stat(host, &st); err != nil {
		return Device{}, false, fmt.Errorf("%w: %w", errdefs.ErrInvalidArgument, err)
	}
	var kind string
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFCHR:
		kind = "c"
	case unix.S_IFBLK:
		kind = "b"
	case unix.S_IFIFO:
		kind = "p"
	default:
		return Device{}, false, nil
	}
	mode := os.FileMode(st.Mode & 0o777)
	uid, gid := st.Uid, st.Gid
	return Device{Access: access, LinuxDevice: specs.LinuxDevice{Path: ctr, Type: kind,
		Major: int64(unix.Major(st.Rdev)), Minor: int64(unix.Minor(st.Rdev)), //nolint:gosec // device numbers are 32 bits
		FileMode: &mode, UID: &uid, GID: &gid}}, true, nil
}

// ParseDeviceRule reads a --device-cgroup-rule: "TYPE MAJOR:MINOR ACCESS"
// with TYPE a (all), b or c, MAJOR and MINOR numbers or *, and ACCESS some
// of r, w and m.
func ParseDeviceRule(s string) (specs.LinuxDeviceCgroup, error) {
	bad := func(why string) (specs.LinuxDeviceCgroup, error) {
		return specs.LinuxDeviceCgroup{}, fmt.Errorf("--device-cgroup-rule %q: %s: %w", s, why, errdefs.ErrInvalidArgument)
	}
	f := strings.Fields(s)
	if len(f) != 3 {
		return bad(`want "TYPE MAJOR:MINOR ACCESS", as "c 1:3 rwm"`)
	}
	if f[0] != "a" && f[0] != "b" && f[0] != "c" {
		return bad("the type must be a, b or c")
	}
	if !ValidAccess(f[2]) {
		return bad("the access must be some of r, w and m")
	}
	r := specs.LinuxDeviceCgroup{Allow: true, Type: f[0], Access: f[2]}
	majStr, minStr, ok := strings.Cut(f[1], ":")
	if !ok {
		return bad("MAJOR:MINOR has no colon")
	}
	var err error
	if r.Major, err = deviceNumber(majStr); err != nil {
		return bad("major " + err.Error())
	}
	if r.Minor, err = deviceNumber(minStr); err != nil {
		return bad("minor " + err.Error())
	}
	return r, nil
}

// deviceNumber is nil for *, else the number.
func deviceNumber(s string) (*int64, error) {
	if s == "*" {
		return nil, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("%q is not a number or *", s)
	}
	return &n, nil
}

// ValidAccess reports whether a is a device access: one to three of r, w
// and m, each once.
func ValidAccess(a string) bool {
	if a == "" || len(a) > 3 {
		return false
	}
	for i, c := range a {
		if !strings.ContainsRune("rwm", c) || strings.ContainsRune(a[i+1:], c) {
			return false
		}
	}
	return true
}

// addDevices puts in's devices into l and allows them, and in's rules, in
// its device cgroup after the defaults.
func addDevices(l *specs.Linux, in Input) {
	for _, d := range in.Devices {
		l.Devices = append(l.Devices, d.LinuxDevice)
		maj, minor := d.Major, d.Minor
		l.Resources.Devices = append(l.Resources.Devices, specs.LinuxDeviceCgroup{Allow: true,
			Type: d.Type, Major: &maj, Minor: &minor, Access: d.Access})
	}
	l.Resources.Devices = append(l.Resources.Devices, in.DeviceRules...)
}
