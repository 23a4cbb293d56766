// Package volume keeps podunit's local named volumes on disk: a directory
// <root>/NAME/_data for each, a tmpfs mounted there for `type=tmpfs`, or a
// host directory standing in for it for `type=none,o=bind,device=PATH`. It
// checks --opt settings and copies an image's content into a new volume.
// It knows nothing of records; the engine keeps those.
package volume

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/internal/atomicfile"
)

// Options are a local volume's checked --opt settings.
type Options struct {
	Type     string   // "" (a directory), "tmpfs", or "none" (bind a host directory)
	Device   string   // type=none: the host directory
	Flags    []string // o=: for tmpfs the mount options; for none bind, rbind, ro…
	UID, GID int      // uid=, gid=: the owner of _data; -1 for unset
	NoCopy   bool     // nocopy: never copy an image's content into it
}

// optionKeys are the --opt keys the local driver knows.
var optionKeys = []string{"type", "o", "device", "uid", "gid", "copy", "nocopy"}

// tmpfsFlags are the o= words a tmpfs volume takes without a value, and
// tmpfsData those it takes as key=value.
var (
	tmpfsFlags = map[string]uintptr{"ro": unix.MS_RDONLY, "rw": 0, "noexec": unix.MS_NOEXEC, "exec": 0,
		"nosuid": unix.MS_NOSUID, "suid": 0, "nodev": unix.MS_NODEV, "dev": 0}
	tmpfsData = []string{"size", "mode", "nr_inodes", "nr_blocks", "uid", "gid"}
	bindFlags = []string{"bind", "rbind", "ro", "rw"}
)

// Parse checks a volume's --opt settings.
func Parse(opts map[string]string) (Options, error) {
	o := Options{UID: -1, GID: -1}
	for k := range opts {
		if !slices.Contains(optionKeys, k) {
			return o, invalid("invalid mount option %s for driver 'local': want %s", k, strings.Join(optionKeys, ", "))
		}
	}
	o.Type, o.Device = opts["type"], opts["device"]
	if _, ok := opts["nocopy"]; ok {
		if _, both := opts["copy"]; both {
			return o, invalid("--opt copy and --opt nocopy contradict each other")
		}
		o.NoCopy = true
	}
	if s := opts["o"]; s != "" {
		o.Flags = strings.Split(s, ",")
	}
	var err error
	if o.UID, err = parseID(opts, "uid"); err != nil {
		return o, err
	}
	if o.GID, err = parseID(opts, "gid"); err != nil {
		return o, err
	}
	switch o.Type {
	case "":
		if len(o.Flags) > 0 || o.Device != "" {
			return o, invalid("--opt o= and device= need --opt type=tmpfs or type=none")
		}
	case "tmpfs":
		return o, o.checkTmpfs()
	case "none", "bind":
		o.Type = "none"
		return o, o.checkBind()
	default:
		return o, invalid("--opt type=%s: the local driver mounts only type=tmpfs and type=none (o=bind)", o.Type)
	}
	return o, nil
}

func parseID(opts map[string]string, key string) (int, error) {
	s, ok := opts[key]
	if !ok {
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return -1, invalid("--opt %s=%s: want a number", key, s)
	}
	return n, nil
}

func (o Options) checkTmpfs() error {
	if o.Device != "" && o.Device != "tmpfs" {
		return invalid("--opt device=%s: a tmpfs volume's device is tmpfs", o.Device)
	}
	for _, f := range o.Flags {
		k, _, hasValue := strings.Cut(f, "=")
		_, isFlag := tmpfsFlags[f]
		if !isFlag && !(hasValue && slices.Contains(tmpfsData, k)) {
			return invalid("--opt o=%s: unknown tmpfs option %q", strings.Join(o.Flags, ","), f)
		}
	}
	return nil
}

func (o Options) checkBind() error {
	if !filepath.IsAbs(o.Device) {
		return invalid("--opt type=none needs --opt device=/absolute/host/path, got %q", o.Device)
	}
	if !slices.Contains(o.Flags, "bind") && !slices.Contains(o.Flags, "rbind") {
		return invalid("--opt type=none needs --opt o=bind (or rbind)")
	}
	for _, f := range o.Flags {
		if !slices.Contains(bindFlags, f) {
			return invalid("--opt o=%s: unknown bind option %q", strings.Join(o.Flags, ","), f)
		}
	}
	if fi, err := os.Stat(o.Device); err != nil || !fi.IsDir() {
		return invalid("--opt device=%s: not an existing directory", o.Device)
	}
	return nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, errdefs.ErrInvalidArgument)...)
}

// Dir is the directory that holds every volume: <graphroot>/podunit/volumes.
type Dir string

// path is the volume's own directory.
func (d Dir) path(name string) string { return filepath.Join(string(d), name) }

// checkName refuses a name that is not a plain file name; the engine
// checks names against the name grammar before they get here.
func checkName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return invalid("volume name %q is not a file name", name)
	}
	return nil
}

// data is the directory a plain or tmpfs volume keeps its files in.
func (d Dir) data(name string) string { return filepath.Join(d.path(name), "_data") }

// Mountpoint is the host directory containers bind for the volume.
func (d Dir) Mountpoint(name string, o Options) string {
	if o.Type == "none" {
		return o.Device
	}
	return d.data(name)
}

// Create makes the volume's directories, first removing anything a volume
// of that name left behind (the caller has just recorded a new one). A
// tmpfs is mounted at first use, not here.
func (d Dir) Create(name string, o Options) error {
	if err := d.Remove(name); err != nil {
		return err
	}
	return d.ensure(name, o)
}

// ensure makes the volume's directories if they are missing.
func (d Dir) ensure(name string, o Options) error {
	if err := checkName(name); err != nil {
		return err
	}
	if err := os.MkdirAll(d.path(name), 0o700); err != nil {
		return fmt.Errorf("volume %s: %w", name, err)
	}
	if o.Type == "none" {
		return nil
	}
	data := d.data(name)
	if err := os.Mkdir(data, 0o755); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil
		}
		return fmt.Errorf("volume %s: %w", name, err)
	}
	if o.UID >= 0 || o.GID >= 0 {
		if err := os.Lchown(data, o.UID, o.GID); err != nil {
			return fmt.Errorf("volume %s: %w", name, err)
		}
	}
	return nil
}

// Ready makes the volume usable by a container and returns its
// mountpoint: it remakes missing directories and mounts a tmpfs volume's
// tmpfs if it is not mounted (at first use, and again after a reboot).
// The caller serializes Ready, Create and Remove of one volume.
func (d Dir) Ready(name string, o Options) (string, error) {
	if err := d.ensure(name, o); err != nil {
		return "", err
	}
	mp := d.Mountpoint(name, o)
	if o.Type != "tmpfs" {
		return mp, nil
	}
	if ok, err := isMountpoint(mp); err != nil || ok {
		return mp, err
	}
	flags, data := o.tmpfsMount()
	if err := unix.Mount("tmpfs", mp, "tmpfs", flags, data); err != nil {
		return "", fmt.Errorf("volume %s: mounting its tmpfs: %w", name, err)
	}
	return mp, nil
}

// tmpfsMount is the mount flags and data of a tmpfs volume: nosuid and
// nodev unless o= says suid or dev.
func (o Options) tmpfsMount() (uintptr, string) {
	flags := uintptr(unix.MS_NOSUID | unix.MS_NODEV)
	var data []string
	for _, f := range o.Flags {
		switch f {
		case "suid":
			flags &^= unix.MS_NOSUID
		case "dev":
			flags &^= unix.MS_NODEV
		}
		if bit, ok := tmpfsFlags[f]; ok {
			flags |= bit
			continue
		}
		data = append(data, f)
	}
	if o.UID >= 0 && !hasKey(o.Flags, "uid") {
		data = append(data, "uid="+strconv.Itoa(o.UID))
	}
	if o.GID >= 0 && !hasKey(o.Flags, "gid") {
		data = append(data, "gid="+strconv.Itoa(o.GID))
	}
	return flags, strings.Join(data, ",")
}

func hasKey(flags []string, key string) bool {
	return slices.ContainsFunc(flags, func(f string) bool { return strings.HasPrefix(f, key+"=") })
}

// Mounted reports whether the volume's tmpfs is mounted.
func (d Dir) Mounted(name string) (bool, error) {
	return isMountpoint(d.data(name))
}

// removalMark is the file in a volume's directory that says its removal
// has begun; it holds the ID of the storage container that goes with the
// volume (an image volume's), or nothing.
const removalMark = "removing"

// MarkRemoval notes in name's directory (made if missing: an image volume
// has none) that its removal has begun, before its record goes: a
// directory so marked whose record is gone is what a killed removal left,
// not a volume whose record was lost. storage is the ID of the storage
// container to delete with it, or "".
func (d Dir) MarkRemoval(name, storage string) error {
	if err := checkName(name); err != nil {
		return err
	}
	if err := os.MkdirAll(d.path(name), 0o700); err != nil {
		return fmt.Errorf("volume %s: %w", name, err)
	}
	if err := atomicfile.WriteVolatile(filepath.Join(d.path(name), removalMark), []byte(storage), 0o600); err != nil {
		return fmt.Errorf("volume %s: %w", name, err)
	}
	return nil
}

// Unmark takes back MarkRemoval, for a removal that was refused.
func (d Dir) Unmark(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(d.path(name), removalMark)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("volume %s: %w", name, err)
	}
	return nil
}

// Removal reports whether name's directory is marked as being removed,
// and the storage container the mark names.
func (d Dir) Removal(name string) (storage string, marked bool) {
	if checkName(name) != nil {
		return "", false
	}
	data, err := os.ReadFile(filepath.Join(d.path(name), removalMark))
	return strings.TrimSpace(string(data)), err == nil
}

// Remove unmounts the volume's tmpfs if mounted and deletes its directory
// (never a bind volume's host directory). Removing what is gone is not an
// error, so a re-run finishes what a crash left.
func (d Dir) Remove(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	data := d.data(name)
	for i := 0; i < 8; i++ { // a tmpfs may have been mounted more than once
		ok, err := isMountpoint(data)
		if err != nil || !ok {
			break
		}
		if err := unix.Unmount(data, unix.MNT_DETACH); err != nil {
			return fmt.Errorf("volume %s: unmounting its tmpfs: %w", name, err)
		}
	}
	// the removal mark goes last, so a removal cut short stays marked
	entries, _ := os.ReadDir(d.path(name))
	for _, e := range entries {
		if e.Name() != removalMark {
			if err := os.RemoveAll(filepath.Join(d.path(name), e.Name())); err != nil {
				return fmt.Errorf("volume %s: %w", name, err)
			}
		}
	}
	if err := os.RemoveAll(d.path(name)); err != nil {
		return fmt.Errorf("volume %s: %w", name, err)
	}
	return nil
}

// isMountpoint reports whether p is mounted on: it lies on another device
// than its parent. A missing p is not.
func isMountpoint(p string) (bool, error) {
	var st, parent unix.Stat_t
	if err := unix.Lstat(p, &st); err != nil {
		if errors.Is(err, unix.ENOENT) {
			return false, nil
		}
		return false, fmt.Errorf("%s: %w", p, err)
	}
	if err := unix.Lstat(filepath.Dir(p), &parent); err != nil {
		return false, fmt.Errorf("%s: %w", filepath.Dir(p), err)
	}
	return st.Dev != parent.Dev, nil
}
