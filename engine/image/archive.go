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
	seen := map[string]bool{}
	var badLink error
	err := walkTar(p, func(name string, h *tar.Header, _ io.Reader) error {
		n++
		if h.Typeflag == tar.TypeLink && badLink == nil {
			target := strings.TrimPrefix(path.Clean(h.Linkname), "./")
			if !seen[target] {
				badLink = fmt.Errorf("entry %q is a hard link to %q, which is no earlier entry of the archive", h.Name, h.Linkname)
			}
		}
		if h.Typeflag != tar.TypeDir {
			seen[name] = true
		}
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
	if kind == kindRootfs && badLink != nil {
		return kind, badLink
	}
	return kind, nil
}

// walkTar calls fn for each entry of the tar at p, with the entry's cleaned
// relative name.
func walkTar(p string, fn func(name string, h *tar.Header, r io.Reader) error) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	r, _, err := compression.AutoDecompress(f)
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
