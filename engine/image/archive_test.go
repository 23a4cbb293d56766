package image

import (
	"archive/tar"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTar writes a tar of the given headers (regular files get no data).
func writeTar(t *testing.T, hdrs ...*tar.Header) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "a.tar")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(f)
	for _, h := range hdrs {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestScanArchiveNamesBadHardLink: a hard link to nothing earlier in a
// rootfs tarball is refused naming the entry (unpacking said only "no such
// file or directory"); links to earlier entries pass.
func TestScanArchiveNamesBadHardLink(t *testing.T) {
	file := &tar.Header{Name: "./bin/busybox", Typeflag: tar.TypeReg, Mode: 0o755}
	good := writeTar(t, &tar.Header{Name: "bin/", Typeflag: tar.TypeDir, Mode: 0o755}, file,
		&tar.Header{Name: "bin/sh", Typeflag: tar.TypeLink, Linkname: "bin/busybox"},
		&tar.Header{Name: "bin/ls", Typeflag: tar.TypeLink, Linkname: "./bin/busybox"})
	if _, err := scanArchive(good); err != nil {
		t.Errorf("good links: %v", err)
	}
	for _, target := range []string{"no/such/target", "../../etc/passwd", "bin/"} {
		bad := writeTar(t, &tar.Header{Name: "bin/", Typeflag: tar.TypeDir, Mode: 0o755}, file,
			&tar.Header{Name: "bin/evil", Typeflag: tar.TypeLink, Linkname: target})
		_, err := scanArchive(bad)
		if err == nil || !strings.Contains(err.Error(), `"bin/evil"`) || !strings.Contains(err.Error(), target) {
			t.Errorf("link to %q: %v", target, err)
		}
	}
}
