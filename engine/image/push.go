//go:build !hotpath

package image

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/directory"
	"go.podman.io/image/v5/docker"
	dockerarchive "go.podman.io/image/v5/docker/archive"
	"go.podman.io/image/v5/docker/reference"
	ociarchive "go.podman.io/image/v5/oci/archive"
	ocilayout "go.podman.io/image/v5/oci/layout"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/transports"
	"go.podman.io/image/v5/types"
)

// pushTransports are the destinations Push accepts with a "transport:" prefix.
var pushTransports = map[string]types.ImageTransport{
	docker.Transport.Name():        docker.Transport,
	dockerarchive.Transport.Name(): dockerarchive.Transport,
	ociarchive.Transport.Name():    ociarchive.Transport,
	ocilayout.Transport.Name():     ocilayout.Transport,
	directory.Transport.Name():     directory.Transport,
}

// Push copies the local image src to dest: a registry reference
// ("host/repo:tag", or "docker://…"), or "docker-archive:PATH",
// "oci-archive:PATH", "oci:DIR", "dir:DIR". An empty dest is src's own name.
func (s *Store) Push(ctx context.Context, src, dest string, o PushOptions) error {
	if err := s.open(); err != nil {
		return err
	}
	img, used, err := s.lookup(src)
	if err != nil {
		return err
	}
	if dest == "" {
		if used == img.ID {
			return fmt.Errorf("pushing %s: an image ID needs a destination: %w", src, errdefs.ErrInvalidArgument)
		}
		dest = used
	}
	destRef, err := destReference(dest)
	if err != nil {
		return err
	}
	srcRef, err := istorage.Transport.NewStoreReference(s.store, nil, img.ID)
	if err != nil {
		return fmt.Errorf("pushing %s: %w", src, err)
	}
	sys := s.systemContext(o.RegistryOptions)
	pc, err := systemPolicy(sys)
	if err != nil {
		return fmt.Errorf("pushing %s: %w", src, err)
	}
	defer pc.Destroy()
	co := &copy.Options{ReportWriter: o.Progress, SourceCtx: &types.SystemContext{}, DestinationCtx: sys}
	if err := o.PushEncryption.apply(co); err != nil {
		return fmt.Errorf("pushing %s: %w", src, err)
	}
	_, err = copy.Image(ctx, pc, destRef, srcRef, co)
	if err != nil {
		return fmt.Errorf("pushing %s to %s: %w: %w", src, transports.ImageName(destRef), registryClass(err), err)
	}
	return nil
}

// destReference parses a push destination; without a known transport
// prefix it is a registry reference.
func destReference(dest string) (types.ImageReference, error) {
	ref, err := parseDest(dest)
	if err != nil {
		return nil, fmt.Errorf("push destination %q: %w: %w", dest, errdefs.ErrInvalidArgument, err)
	}
	return ref, nil
}

func parseDest(dest string) (types.ImageReference, error) {
	if prefix, rest, ok := strings.Cut(dest, ":"); ok {
		if t, known := pushTransports[prefix]; known {
			return t.ParseReference(rest)
		}
	}
	return docker.ParseReference("//" + dest)
}

// Save writes the images names to the file output as a docker-archive
// (several images, each under the name given) or an oci-archive (one image).
// The file appears complete or not at all.
func (s *Store) Save(ctx context.Context, names []string, output, format string) error {
	if err := s.open(); err != nil {
		return err
	}
	if len(names) == 0 {
		return fmt.Errorf("saving: no image named: %w", errdefs.ErrInvalidArgument)
	}
	if format == "" {
		format = FormatDockerArchive
	}
	if format != FormatDockerArchive && format != FormatOCIArchive {
		return fmt.Errorf("saving: unknown format %q: want %s or %s: %w", format, FormatDockerArchive, FormatOCIArchive, errdefs.ErrInvalidArgument)
	}
	if format == FormatOCIArchive && len(names) > 1 {
		return fmt.Errorf("saving: an %s holds one image, not %d: %w", FormatOCIArchive, len(names), errdefs.ErrInvalidArgument)
	}
	tmp, err := tempBeside(output)
	if err != nil {
		return fmt.Errorf("saving to %s: %w", output, err)
	}
	defer os.Remove(tmp)
	if format == FormatDockerArchive {
		err = s.saveDockerArchive(ctx, names, tmp)
	} else {
		err = s.saveOCIArchive(ctx, names[0], tmp)
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, output); err != nil {
		return fmt.Errorf("saving to %s: %w", output, err)
	}
	return nil
}

// tempBeside creates an empty file, mode 0644, in output's directory.
func tempBeside(output string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(output), "."+filepath.Base(output)+".tmp-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", err
	}
	if err := os.Chmod(name, 0o644); err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

func (s *Store) saveDockerArchive(ctx context.Context, names []string, path string) error {
	w, err := dockerarchive.NewWriter(&types.SystemContext{}, path)
	if err != nil {
		return fmt.Errorf("saving: %w", err)
	}
	for _, name := range names {
		srcRef, used, err := s.saveSource(name)
		if err != nil {
			w.Close()
			return err
		}
		tagged, _ := parsedTag(used)
		destRef, err := w.NewReference(tagged)
		if err == nil {
			err = s.copyLocal(ctx, destRef, srcRef)
		}
		if err != nil {
			w.Close()
			return fmt.Errorf("saving %s: %w", name, err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("saving: %w", err)
	}
	return nil
}

func (s *Store) saveOCIArchive(ctx context.Context, name, path string) error {
	srcRef, used, err := s.saveSource(name)
	if err != nil {
		return err
	}
	refName := ""
	if tagged, ok := parsedTag(used); ok {
		refName = tagged.String()
	}
	destRef, err := ociarchive.NewReference(path, refName)
	if err == nil {
		err = s.copyLocal(ctx, destRef, srcRef)
	}
	if err != nil {
		return fmt.Errorf("saving %s: %w", name, err)
	}
	return nil
}

// saveSource is the storage reference of the local image name, and the name it matched.
func (s *Store) saveSource(name string) (types.ImageReference, string, error) {
	img, used, err := s.lookup(name)
	if err != nil {
		return nil, "", err
	}
	ref, err := istorage.Transport.NewStoreReference(s.store, nil, img.ID)
	if err != nil {
		return nil, "", fmt.Errorf("saving %s: %w", name, err)
	}
	return ref, used, nil
}

// parsedTag is the tagged name used, if it is one (not an ID or a digest).
func parsedTag(used string) (reference.NamedTagged, bool) {
	named, err := reference.ParseNormalizedNamed(used)
	if err != nil {
		return nil, false
	}
	tagged, ok := named.(reference.NamedTagged)
	return tagged, ok
}

// copyLocal copies between local references, accepting any image.
func (s *Store) copyLocal(ctx context.Context, dest, src types.ImageReference) error {
	pc, err := policyContext()
	if err != nil {
		return err
	}
	defer pc.Destroy()
	_, err = copy.Image(ctx, pc, dest, src, &copy.Options{SourceCtx: &types.SystemContext{}, DestinationCtx: &types.SystemContext{}})
	return err
}
