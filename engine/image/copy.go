package image

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"go.podman.io/storage/pkg/archive"
	"go.podman.io/storage/pkg/chrootarchive"
	"go.podman.io/storage/pkg/idtools"

	"github.com/podunit/podunit/engine/errdefs"
)

// CopyEnd is one side of a copy: a path as the user typed it, inside the
// tree Root ("/" for the host, a container's root otherwise). Symbolic
// links resolve inside Root, and the tar work runs chrooted to it, so a
// container's links cannot lead out of it.
type CopyEnd struct {
	Root, Path string
	What       string // how errors name this side: "container web", "host"
}

// CopyOptions are cp's flags.
type CopyOptions struct {
	Owner     *[2]int // every copied file's UID and GID, when set
	Overwrite bool    // a directory may replace a file and the other way round
}

// CopySource is a resolved source: the tar of one path (named Name) or,
// for "DIR/.", of a directory's contents (Name "").
type CopySource struct {
	full, name string
	end        CopyEnd
	IsDir      bool
}

// ResolveSource finds src: its last element is not followed (a link is
// copied as a link), unless the path ends in "/." (the contents of DIR).
func ResolveSource(src CopyEnd) (*CopySource, error) {
	contents := strings.HasSuffix(src.Path, "/.") || src.Path == "."
	clean := filepath.Clean("/" + src.Path)
	dir, base := filepath.Split(clean)
	if base == "" { // the root: its contents
		contents = true
	}
	if contents {
		dir, base = clean, ""
	}
	full, err := securejoin.SecureJoin(src.Root, dir)
	if err == nil && base != "" {
		full = filepath.Join(full, base)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", src.What, src.Path, err)
	}
	fi, err := os.Lstat(full)
	if err != nil {
		return nil, statError(src, err)
	}
	s := &CopySource{full: full, end: src, IsDir: fi.IsDir()}
	if !contents {
		s.name = filepath.Base(full)
	}
	return s, nil
}

func statError(end CopyEnd, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %q: no such file or directory: %w", end.What, end.Path, errdefs.ErrNotFound)
	}
	return fmt.Errorf("%s: %q: %w", end.What, end.Path, err)
}

// Tar streams the source, its top entry renamed to name ("" keeps it).
func (s *CopySource) Tar(name string) (io.ReadCloser, error) {
	opts := &archive.TarOptions{Compression: archive.Uncompressed}
	dir := s.full
	if s.name != "" {
		dir = filepath.Dir(s.full)
		opts.IncludeFiles = []string{s.name}
		if name != "" && name != s.name {
			opts.RebaseNames = map[string]string{s.name: name}
		}
	}
	r, err := chrootarchive.Tar(dir, opts, s.end.Root)
	if err != nil {
		return nil, fmt.Errorf("%s: reading %q: %w", s.end.What, s.end.Path, err)
	}
	return r, nil
}

// Copy copies src to dst with cp's rules: into an existing directory
// under the source's name (its contents for "DIR/."), else as the
// destination's name in its parent directory.
func Copy(src *CopySource, dst CopyEnd, o CopyOptions) error {
	dir, name, err := destination(src, dst)
	if err != nil {
		return err
	}
	r, err := src.Tar(name)
	if err != nil {
		return err
	}
	defer r.Close()
	return untarInto(r, dst, dir, o)
}

// destination is the directory (inside dst.Root) to extract into and the
// name the source's top entry gets there.
func destination(src *CopySource, dst CopyEnd) (string, string, error) {
	full, err := securejoin.SecureJoin(dst.Root, dst.Path)
	if err != nil {
		return "", "", fmt.Errorf("%s: %s: %w", dst.What, dst.Path, err)
	}
	fi, err := os.Stat(full)
	switch {
	case err == nil && fi.IsDir():
		return full, src.name, nil
	case err == nil && src.IsDir:
		return "", "", fmt.Errorf("%s: %q is not a directory: cannot copy a directory onto it: %w", dst.What, dst.Path, errdefs.ErrInvalidArgument)
	case err == nil:
		return filepath.Dir(full), filepath.Base(full), nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", "", statError(dst, err)
	case strings.HasSuffix(dst.Path, "/") && !src.IsDir:
		return "", "", fmt.Errorf("%s: directory %q does not exist: %w", dst.What, dst.Path, errdefs.ErrNotFound)
	}
	parent := filepath.Dir(full)
	if fi, err := os.Stat(parent); err != nil || !fi.IsDir() {
		return "", "", fmt.Errorf("%s: %q: no such directory to copy into: %w", dst.What, filepath.Dir(dst.Path), errdefs.ErrNotFound)
	}
	if src.name == "" { // a directory's contents into a new directory
		if err := os.Mkdir(full, 0o755); err != nil {
			return "", "", fmt.Errorf("%s: %w", dst.What, err)
		}
		return full, "", nil
	}
	return parent, filepath.Base(full), nil
}

// Untar extracts a tar stream into the directory dst.Path, which must exist.
func Untar(r io.Reader, dst CopyEnd, o CopyOptions) error {
	full, err := securejoin.SecureJoin(dst.Root, dst.Path)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", dst.What, dst.Path, err)
	}
	return untarInto(r, dst, full, o)
}

// untarInto extracts r into full, dst.Path resolved inside dst.Root.
func untarInto(r io.Reader, dst CopyEnd, full string, o CopyOptions) error {
	if fi, err := os.Stat(full); err != nil || !fi.IsDir() {
		return fmt.Errorf("%s: %q is not a directory to extract into: %w", dst.What, dst.Path, errdefs.ErrNotFound)
	}
	opts := &archive.TarOptions{NoOverwriteDirNonDir: !o.Overwrite}
	if o.Owner != nil {
		opts.ChownOpts = &idtools.IDPair{UID: o.Owner[0], GID: o.Owner[1]}
	}
	if err := chrootarchive.UntarWithRoot(r, full, opts, dst.Root); err != nil {
		return fmt.Errorf("%s: copying into %q: %w", dst.What, dst.Path, err)
	}
	return nil
}
