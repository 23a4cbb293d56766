//go:build !hotpath

package image

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"runtime"
	"time"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/podunit/podunit/engine/errdefs"
	"go.podman.io/image/v5/copy"
	dockerarchive "go.podman.io/image/v5/docker/archive"
	"go.podman.io/image/v5/docker/reference"
	ocilayout "go.podman.io/image/v5/oci/layout"
	"go.podman.io/image/v5/signature"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/tarball"
	"go.podman.io/image/v5/types"
)

// Import makes an image from a rootfs tarball (as `podman import`): one layer,
// a configuration with only OS, architecture and creation time, and the name
// name normalised ("bb" → "localhost/bb:latest"; "" leaves it unnamed).
func (s *Store) Import(ctx context.Context, tarPath, name string) (string, error) {
	return s.ImportWith(ctx, tarPath, name, ImageConfig{})
}

// ImportWith is Import with the image's configuration set to config (import
// --change).
func (s *Store) ImportWith(ctx context.Context, tarPath, name string, config ImageConfig) (string, error) {
	if err := s.open(); err != nil {
		return "", err
	}
	var names []string
	if name != "" {
		full, err := NormalizeName(name)
		if err != nil {
			return "", err
		}
		names = []string{full}
	}
	if _, err := scanArchive(tarPath); err != nil {
		return "", invalidFile("importing", tarPath, err)
	}
	ref, err := tarball.NewReference([]string{tarPath}, nil)
	if err != nil {
		return "", invalidFile("importing", tarPath, err)
	}
	now := time.Now().UTC()
	cfg := imgspecv1.Image{Created: &now, Platform: imgspecv1.Platform{OS: "linux", Architecture: runtime.GOARCH}}
	config.setOn(&cfg.Config)
	if err := ref.(tarball.ConfigUpdater).ConfigUpdate(cfg, nil); err != nil {
		return "", fmt.Errorf("importing %s: %w", tarPath, err)
	}
	o, err := s.beginOp()
	if err != nil {
		return "", err
	}
	defer o.end()
	id, err := s.copyImage(ctx, o, ref, names, nil)
	if err != nil {
		return "", fmt.Errorf("importing %s: %w", tarPath, err)
	}
	return id, nil
}

// invalidFile classes a failure to read the user's file p: missing is
// errdefs.ErrNotFound, anything else errdefs.ErrInvalidArgument.
func invalidFile(verb, p string, err error) error {
	class := errdefs.ErrInvalidArgument
	if errors.Is(err, fs.ErrNotExist) {
		class = errdefs.ErrNotFound
	}
	return fmt.Errorf("%s %s: %w: %w", verb, p, class, err)
}

// Load copies the images of a docker-archive or oci-archive (detected, and
// possibly compressed) into the store, and returns their names: full
// references, or "sha256:<id>" for an image without one.
func (s *Store) Load(ctx context.Context, archive string, progress io.Writer) ([]string, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	kind, err := scanArchive(archive)
	if err != nil {
		return nil, invalidFile("loading", archive, err)
	}
	o, err := s.beginOp()
	if err != nil {
		return nil, err
	}
	defer o.end()
	switch kind {
	case kindDockerArchive:
		return s.loadDockerArchive(ctx, o, archive, progress)
	case kindOCIArchive:
		return s.loadOCIArchive(ctx, o, archive, progress)
	}
	return nil, invalidFile("loading", archive, fmt.Errorf("neither a docker-archive nor an oci-archive"))
}

func (s *Store) loadDockerArchive(ctx context.Context, o *op, archive string, progress io.Writer) ([]string, error) {
	r, err := dockerarchive.NewReader(o.sys(), archive)
	if err != nil {
		return nil, invalidFile("loading", archive, err)
	}
	defer r.Close()
	groups, err := r.List()
	if err != nil {
		return nil, invalidFile("loading", archive, err)
	}
	var loaded []string
	for _, refs := range groups {
		var names []string
		for _, ref := range refs {
			if named := ref.DockerReference(); named != nil {
				names = append(names, named.String())
			}
		}
		id, err := s.copyImage(ctx, o, refs[0], names, progress)
		if err != nil {
			return loaded, loadFailure(archive, err)
		}
		loaded = append(loaded, namesOrID(names, id)...)
	}
	return loaded, nil
}

// loadFailure names the archive, and where a layer failed to unpack, the
// entry that made it fail.
func loadFailure(archive string, err error) error {
	if isUnpackFailure(err) {
		if bad := badLayerLink(archive); bad != nil {
			return fmt.Errorf("loading %s: %w: %w (%w)", archive, errdefs.ErrInvalidArgument, bad, err)
		}
	}
	return fmt.Errorf("loading %s: %w", archive, err)
}

func (s *Store) loadOCIArchive(ctx context.Context, o *op, archive string, progress io.Writer) ([]string, error) {
	dir := filepath.Join(o.dir, "layout")
	if err := extractLayout(archive, dir); err != nil {
		return nil, invalidFile("loading", archive, err)
	}
	list, err := ocilayout.List(dir)
	if err != nil {
		return nil, invalidFile("loading", archive, err)
	}
	var loaded []string
	for _, item := range list {
		names := ociNames(item.ManifestDescriptor.Annotations)
		id, err := s.copyImage(ctx, o, item.Reference, names, progress)
		if err != nil {
			return loaded, loadFailure(archive, err)
		}
		loaded = append(loaded, namesOrID(names, id)...)
	}
	return loaded, nil
}

// ociNames is the normalised name an OCI index entry carries, as podman reads
// it: containerd's annotation first, then org.opencontainers.image.ref.name.
func ociNames(annotations map[string]string) []string {
	name := annotations["io.containerd.image.name"]
	if name == "" {
		name = annotations[imgspecv1.AnnotationRefName]
	}
	if name == "" {
		return nil
	}
	full, err := NormalizeName(name)
	if err != nil {
		return nil
	}
	return []string{full}
}

// copyImage copies src into the store under names (the first one at copy
// time, the others added after) and returns the image's ID. The ID is known
// (the config's digest) and recorded in o before anything is written.
func (s *Store) copyImage(ctx context.Context, o *op, src types.ImageReference, names []string, progress io.Writer) (string, error) {
	id, err := configID(ctx, o.sys(), src)
	if err != nil {
		return "", err
	}
	dest, err := s.destination(names, id)
	if err != nil {
		return "", err
	}
	if err := s.intend(o, id); err != nil {
		return "", err
	}
	pc, err := policyContext()
	if err != nil {
		return "", err
	}
	defer pc.Destroy()
	opts := &copy.Options{ReportWriter: progress, SourceCtx: o.sys(), DestinationCtx: o.sys()}
	if _, err := copy.Image(ctx, pc, dest, src, opts); err != nil {
		return "", fmt.Errorf("copying image: %w", err)
	}
	if len(names) > 1 {
		if err := s.store.AddNames(id, names[1:]); err != nil {
			return "", fmt.Errorf("naming image %s: %w", id, err)
		}
	}
	return id, nil
}

// configID is the ID src's image gets in the store: its config's digest.
func configID(ctx context.Context, sys *types.SystemContext, src types.ImageReference) (string, error) {
	img, err := src.NewImage(ctx, sys)
	if err != nil {
		return "", fmt.Errorf("reading image: %w", err)
	}
	defer img.Close()
	return img.ConfigInfo().Digest.Encoded(), nil
}

// destination is the storage reference to copy an image to, with image ID id:
// by its first name, or by the ID alone when it has none.
func (s *Store) destination(names []string, id string) (types.ImageReference, error) {
	if len(names) == 0 {
		return istorage.Transport.NewStoreReference(s.store, nil, id)
	}
	named, err := reference.ParseNormalizedNamed(names[0])
	if err != nil {
		return nil, fmt.Errorf("image name %q: %w: %w", names[0], errdefs.ErrInvalidArgument, err)
	}
	return istorage.Transport.NewStoreReference(s.store, named, id)
}

// policyContext accepts any image: Import and Load read local files the user
// named, as `podman load` does with the default policy.
func policyContext() (*signature.PolicyContext, error) {
	p := &signature.Policy{Default: signature.PolicyRequirements{signature.NewPRInsecureAcceptAnything()}}
	pc, err := signature.NewPolicyContext(p)
	if err != nil {
		return nil, fmt.Errorf("creating signature policy: %w", err)
	}
	return pc, nil
}
