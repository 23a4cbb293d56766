package image

import (
	"fmt"
	"io"

	"go.podman.io/storage/pkg/archive"
	"go.podman.io/storage/pkg/chrootarchive"
)

// TarDir writes the content of dir to w as an uncompressed tar (volume
// export), names relative to dir.
func TarDir(dir string, w io.Writer) error {
	r, err := archive.TarWithOptions(dir, &archive.TarOptions{Compression: archive.Uncompressed})
	if err != nil {
		return fmt.Errorf("archiving %s: %w", dir, err)
	}
	defer r.Close()
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("archiving %s: %w", dir, err)
	}
	return nil
}

// UntarDir unpacks the tar (possibly compressed) r into dir (volume
// import), chrooted into dir so that no entry lands outside it.
func UntarDir(r io.Reader, dir string) error {
	if err := chrootarchive.UntarWithRoot(r, dir, &archive.TarOptions{}, dir); err != nil {
		return fmt.Errorf("unpacking into %s: %w", dir, err)
	}
	return nil
}
