package image

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"go.podman.io/image/v5/pkg/compression"
)

// archiveKind is the format of an image archive.
type archiveKind int

const (
	kindRootfs archiveKind = iota // a plain tar: neither of the below
	kindDockerArchive
	kindOCIArchive
)

// scanArchive reads the whole tar at p (compressed or not), so that a
// corrupt or truncated file fails here, and reports its format.
//
// For a root filesystem tarball it also checks each hard link: its target
// must be an earlier entry, else unpacking fails with an error that names
// no entry ("no such file or directory"); this one names it.
func scanArchive(p string) (archiveKind, error) {
	kind := kindRootfs
	n := 0
	links := linkCheck{}
	err := walkTar(p, func(name string, h *tar.Header, _ io.Reader) error {
		n++
		links.add(name, h)
		switch name {
		case "manifest.json":
			if kind == kindRootfs {
				kind = kindDockerArchive
			}
		case "oci-layout":
			kind = kindOCIArchive
		}
		return nil
	})
	if err != nil {
		return kind, err
	}
	if n == 0 {
		return kind, errors.New("empty archive")
	}
	if kind == kindRootfs && links.bad != nil {
		return kind, fmt.Errorf("%w of the archive", links.bad)
	}
	return kind, nil
}

// linkCheck finds the first hard link of a tar stream whose target is no
// earlier entry: unpacking it fails with an error that names no entry
// ("no such file or directory").
type linkCheck struct {
	seen map[string]bool
	bad  error
}

func (l *linkCheck) add(name string, h *tar.Header) {
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	if h.Typeflag == tar.TypeLink && l.bad == nil {
		if target := strings.TrimPrefix(path.Clean(h.Linkname), "./"); !l.seen[target] {
			l.bad = fmt.Errorf("entry %q is a hard link to %q, which is no earlier entry", h.Name, h.Linkname)
		}
	}
	if h.Typeflag != tar.TypeDir {
		l.seen[name] = true
	}
}

// badLayerLink looks, after an archive's layer failed to unpack, for the
// layer entry that made it fail: each regular file of the archive that
// reads as a (possibly compressed) tar is checked as a layer. Only the
// failure path pays for this second read.
func badLayerLink(archive string) error {
	var found error
	_ = walkTar(archive, func(name string, h *tar.Header, r io.Reader) error {
		if found != nil || h.Typeflag != tar.TypeReg {
			return nil
		}
		links := linkCheck{}
		err := readTar(r, func(n string, lh *tar.Header, _ io.Reader) error {
			links.add(n, lh)
			return nil
		})
		if err == nil && links.bad != nil {
			found = fmt.Errorf("layer %s: %w of the layer", name, links.bad)
		}
		return nil
	})
	return found
}

// walkTar calls fn for each entry of the tar at p, with the entry's cleaned
// relative name.
func walkTar(p string, fn func(name string, h *tar.Header, r io.Reader) error) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	return readTar(f, fn)
}

// readTar calls fn for each entry of the tar stream in (compressed or not).
func readTar(in io.Reader, fn func(name string, h *tar.Header, r io.Reader) error) error {
	r, _, err := compression.AutoDecompress(in)
	if err != nil {
		return fmt.Errorf("decompressing: %w", err)
	}
	defer r.Close()
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading tar: %w", err)
		}
		if err := fn(strings.TrimPrefix(path.Clean(h.Name), "./"), h, tr); err != nil {
			return err
		}
	}
}

// extractLayout unpacks the regular files and directories of the tar at p
// into dir, refusing names that leave it.
func extractLayout(p, dir string) error {
	return walkTar(p, func(name string, h *tar.Header, r io.Reader) error {
		if name == "." {
			return nil
		}
		if !filepath.IsLocal(name) {
			return fmt.Errorf("tar entry %q leaves the archive", h.Name)
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			return os.MkdirAll(dst, 0o700)
		case tar.TypeReg:
			return extractFile(dst, r)
		}
		return nil
	})
}

func extractFile(dst string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
