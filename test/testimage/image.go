package testimage

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	gtarball "github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/podunit/podunit/internal/atomicfile"
)

// DefaultPath is the PATH of an image whose Config.Env is empty.
const DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// refNameAnnotation is the OCI layout annotation carrying an image's name.
const refNameAnnotation = "org.opencontainers.image.ref.name"

// Config is the image configuration. The zero value gives Cmd ["sh"] and
// Env [DefaultPath].
type Config struct {
	Cmd, Entrypoint, Env []string
	WorkingDir, User     string
	StopSignal           string
	Labels               map[string]string
	Healthcheck          *v1.HealthConfig // Docker's HEALTHCHECK
	// Files, if any, are one more layer over the busybox rootfs: each
	// path (absolute) a regular file with that content, mode 0755.
	Files map[string]string
}

func (c Config) v1() v1.Config {
	out := v1.Config{
		Cmd: c.Cmd, Entrypoint: c.Entrypoint, Env: c.Env,
		WorkingDir: c.WorkingDir, User: c.User, StopSignal: c.StopSignal, Labels: c.Labels,
		Healthcheck: c.Healthcheck,
	}
	if len(out.Cmd) == 0 && len(out.Entrypoint) == 0 {
		out.Cmd = []string{"sh"}
	}
	if len(out.Env) == 0 {
		out.Env = []string{DefaultPath}
	}
	return out
}

// Image returns a one-layer OCI image of the busybox rootfs with cfg.
func Image(cfg Config) (v1.Image, error) {
	data, err := rootfsTarBytes()
	if err != nil {
		return nil, err
	}
	layer, err := gtarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, gtarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, fmt.Errorf("building layer: %w", err)
	}
	base := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	base, err = mutate.ConfigFile(base, &v1.ConfigFile{
		Architecture: runtime.GOARCH, OS: "linux",
		Created: v1.Time{Time: Epoch}, Config: cfg.v1(),
	})
	if err != nil {
		return nil, fmt.Errorf("setting config: %w", err)
	}
	img, err := mutate.Append(base, mutate.Addendum{
		Layer:     layer,
		MediaType: types.OCILayer,
		History:   v1.History{Created: v1.Time{Time: Epoch}, CreatedBy: "podunit testimage: busybox rootfs"},
	})
	if err != nil || len(cfg.Files) == 0 {
		return img, err
	}
	return appendFiles(img, cfg.Files)
}

// appendFiles adds a layer of regular files (mode 0755) to img.
func appendFiles(img v1.Image, files map[string]string) (v1.Image, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		hdr := &tar.Header{Name: strings.TrimPrefix(p, "/"), Mode: 0o755, Size: int64(len(files[p])),
			Typeflag: tar.TypeReg, ModTime: Epoch, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := io.WriteString(tw, files[p]); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	layer, err := gtarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, gtarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, fmt.Errorf("building the files layer: %w", err)
	}
	return mutate.Append(img, mutate.Addendum{Layer: layer, MediaType: types.OCILayer,
		History: v1.History{Created: v1.Time{Time: Epoch}, CreatedBy: "podunit testimage: files"}})
}

// DockerArchive writes a docker-archive (`docker save` format) of the image,
// tagged ref (for example "localhost/busybox:latest"), to path.
func DockerArchive(path, ref string, cfg Config) error {
	tag, err := name.NewTag(ref)
	if err != nil {
		return fmt.Errorf("parsing ref %q: %w", ref, err)
	}
	img, err := Image(cfg)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := gtarball.Write(tag, img, &buf); err != nil {
		return fmt.Errorf("writing docker archive: %w", err)
	}
	return atomicfile.Write(path, buf.Bytes(), 0o644)
}

// OCIArchive writes an oci-archive (a tarred OCI layout) of the image to path,
// its index entry annotated with org.opencontainers.image.ref.name=ref.
func OCIArchive(path, ref string, cfg Config) error {
	img, err := Image(cfg)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp(filepath.Dir(path), ".testimage-layout-*")
	if err != nil {
		return fmt.Errorf("creating layout dir: %w", err)
	}
	defer os.RemoveAll(dir)
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("writing OCI layout: %w", err)
	}
	if err := lp.AppendImage(img, layout.WithAnnotations(map[string]string{refNameAnnotation: ref})); err != nil {
		return fmt.Errorf("writing OCI layout: %w", err)
	}
	data, err := tarDir(dir)
	if err != nil {
		return fmt.Errorf("tarring OCI layout: %w", err)
	}
	return atomicfile.Write(path, data, 0o644)
}

// tarDir tars the regular files and directories under dir in lexical order,
// with fixed owners, modes and times.
func tarDir(dir string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		return tarDirEntry(tw, p, filepath.ToSlash(rel), d.IsDir())
	})
	if err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func tarDirEntry(tw *tar.Writer, p, rel string, isDir bool) error {
	if isDir {
		return writeTarEntry(tw, entry{name: rel, typ: tar.TypeDir, mode: 0o755})
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	return writeTarEntry(tw, entry{name: rel, typ: tar.TypeReg, mode: 0o644, data: data})
}
