package testimage

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/internal/atomicfile"
)

// Rootfs writes the rootfs tree into dir (created if missing). Owners are set
// only when running as root; modification times are fixed to Epoch.
func Rootfs(dir string) error {
	es, err := entries()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating rootfs dir: %w", err)
	}
	for _, e := range es {
		if err := writeEntry(dir, e); err != nil {
			return fmt.Errorf("writing %s: %w", e.name, err)
		}
	}
	// Directory times last, children first, so that writing a child does not move them.
	for i := len(es) - 1; i >= 0; i-- {
		if err := setTimes(filepath.Join(dir, es[i].name)); err != nil {
			return fmt.Errorf("setting times of %s: %w", es[i].name, err)
		}
	}
	return nil
}

func writeEntry(root string, e entry) error {
	p := filepath.Join(root, e.name)
	switch e.typ {
	case tar.TypeDir:
		if err := os.Mkdir(p, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	case tar.TypeReg:
		if err := os.WriteFile(p, e.data, 0o600); err != nil {
			return err
		}
	case tar.TypeSymlink:
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if err := os.Symlink(e.target, p); err != nil {
			return err
		}
		return lchown(p, e)
	}
	if err := os.Chmod(p, e.mode); err != nil {
		return err
	}
	return lchown(p, e)
}

// lchown sets the entry's owner when running as root, and is a no-op otherwise.
func lchown(p string, e entry) error {
	if os.Geteuid() != 0 {
		return nil
	}
	return os.Lchown(p, e.uid, e.gid)
}

func setTimes(p string) error {
	ts := unix.NsecToTimespec(Epoch.UnixNano())
	return unix.UtimesNanoAt(unix.AT_FDCWD, p, []unix.Timespec{ts, ts}, unix.AT_SYMLINK_NOFOLLOW)
}

// RootfsTar writes the rootfs as an uncompressed tar file at path.
func RootfsTar(path string) error {
	data, err := rootfsTarBytes()
	if err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o644)
}

// rootfsTarBytes returns the rootfs as an uncompressed tar stream.
func rootfsTarBytes() ([]byte, error) {
	es, err := entries()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range es {
		if err := writeTarEntry(tw, e); err != nil {
			return nil, fmt.Errorf("tar entry %s: %w", e.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("closing rootfs tar: %w", err)
	}
	return buf.Bytes(), nil
}

func writeTarEntry(tw *tar.Writer, e entry) error {
	hdr := &tar.Header{
		Typeflag: e.typ,
		Name:     e.name,
		Linkname: e.target,
		Mode:     tarMode(e.mode),
		Uid:      e.uid,
		Gid:      e.gid,
		ModTime:  Epoch,
		Size:     int64(len(e.data)),
	}
	if e.typ == tar.TypeDir {
		hdr.Name += "/"
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err := tw.Write(e.data)
	return err
}

// tarMode converts a Go file mode's permission and sticky bits to tar's c_ISVTX form.
func tarMode(m fs.FileMode) int64 {
	mode := int64(m.Perm())
	if m&fs.ModeSticky != 0 {
		mode |= 0o1000
	}
	return mode
}
