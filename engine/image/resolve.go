package image

import (
	"context"
	"fmt"
	"slices"
	"strings"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/podunit/podunit/engine/errdefs"
	"go.podman.io/storage"
)

// Image is a resolved image: what a container needs from it.
type Image struct {
	ID     string
	Name   string // the full name that matched ("localhost/bb:latest"), or the ID when given an ID
	Config ImageConfig
}

// ImageConfig is the part of an image's configuration a container
// inherits. Its JSON is that of podman's `image inspect` .Config.
type ImageConfig struct {
	// Healthcheck is Docker's HEALTHCHECK (read with the rest, from one
	// opening of the image); nil when the image has none.
	Healthcheck *Healthcheck      `json:"Healthcheck,omitempty"`
	User        string            `json:"User,omitempty"`
	Env         []string          `json:"Env,omitempty"`
	Entrypoint  []string          `json:"Entrypoint,omitempty"`
	Cmd         []string          `json:"Cmd,omitempty"`
	WorkingDir  string            `json:"WorkingDir,omitempty"`
	Labels      map[string]string `json:"Labels,omitempty"`
	StopSignal  string            `json:"StopSignal,omitempty"`
	// ExposedPorts and Volumes are kept and shown, not acted on (as --change EXPOSE/VOLUME set them)
	ExposedPorts map[string]struct{} `json:"ExposedPorts,omitempty"`
	Volumes      map[string]struct{} `json:"Volumes,omitempty"`
}

// setOn puts c into an OCI image configuration.
func (c ImageConfig) setOn(o *imgspecv1.ImageConfig) {
	o.User, o.Env, o.Entrypoint, o.Cmd = c.User, c.Env, c.Entrypoint, c.Cmd
	o.WorkingDir, o.Labels, o.StopSignal = c.WorkingDir, c.Labels, c.StopSignal
	o.ExposedPorts, o.Volumes = addKeys(o.ExposedPorts, c.ExposedPorts), addKeys(o.Volumes, c.Volumes)
}

// addKeys adds more's keys to m: an image's ports and volumes add up.
func addKeys(m, more map[string]struct{}) map[string]struct{} {
	if len(more) > 0 && m == nil {
		m = map[string]struct{}{}
	}
	for k := range more {
		m[k] = struct{}{}
	}
	return m
}

// Resolve finds an image by full ID (with or without "sha256:"), by name, by
// short name ("bb" matches localhost/bb:latest, else any registry's
// …/bb:latest if only one image has such a name), or by a unique ID prefix.
// Names win over ID prefixes. Not found: errdefs.ErrNotFound.
func (s *Store) Resolve(ctx context.Context, nameOrID string) (*Image, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	img, used, err := s.lookup(nameOrID)
	if err != nil {
		return nil, err
	}
	return s.image(ctx, img.ID, used)
}

// ImageID is the ID of the image nameOrID names (as Resolve finds it),
// without reading its configuration.
func (s *Store) ImageID(ctx context.Context, nameOrID string) (string, error) {
	if err := s.open(); err != nil {
		return "", err
	}
	img, _, err := s.lookup(nameOrID)
	if err != nil {
		return "", err
	}
	return img.ID, nil
}

// lookup returns the storage image nameOrID names and the name (or ID) that matched.
func (s *Store) lookup(nameOrID string) (*storage.Image, string, error) {
	if nameOrID == "" {
		return nil, "", fmt.Errorf("empty image name: %w", errdefs.ErrInvalidArgument)
	}
	id := strings.TrimPrefix(nameOrID, "sha256:")
	if len(id) == 64 && isHex(id) {
		if img, err := s.store.Image(id); err == nil && img.ID == id {
			return img, id, nil
		}
	}
	imgs, err := s.store.Images()
	if err != nil {
		return nil, "", fmt.Errorf("listing images: %w", err)
	}
	named, parseErr := parseName(nameOrID)
	if parseErr == nil {
		if img, name, err := byName(imgs, nameOrID, named); img != nil || err != nil {
			return img, name, err
		}
	}
	if isHex(id) {
		return byIDPrefix(imgs, nameOrID, id)
	}
	if parseErr != nil {
		return nil, "", parseErr
	}
	return nil, "", notFound(nameOrID)
}

func notFound(nameOrID string) error {
	return fmt.Errorf("image %q not found: %w", nameOrID, errdefs.ErrNotFound)
}

// byName finds the image named name; (nil, "", nil) when none is.
func byName(imgs []storage.Image, name string, named ref) (*storage.Image, string, error) {
	if hasDomain(name) {
		return byFullName(imgs, named)
	}
	if img, full, _ := byFullName(imgs, named); img != nil {
		return img, full, nil
	}
	sn, _ := parseShort(name)
	return byShortName(imgs, name, sn)
}

// byFullName finds the image with the full name named (tag, or repository and digest).
func byFullName(imgs []storage.Image, named ref) (*storage.Image, string, error) {
	if named.digest != "" {
		for i := range imgs {
			if slices.Contains(imgs[i].Digests, named.digest) && hasRepo(imgs[i].Names, named.Name()) {
				return &imgs[i], named.String(), nil
			}
		}
		return nil, "", nil
	}
	full := named.withDefaultTag()
	for i := range imgs {
		if slices.Contains(imgs[i].Names, full) {
			return &imgs[i], full, nil
		}
	}
	return nil, "", nil
}

func hasRepo(names []string, repo string) bool {
	for _, n := range names {
		if named, err := parseNormalized(n); err == nil && named.Name() == repo {
			return true
		}
	}
	return false
}

// byShortName finds the one image with a name ending in the short name;
// several different images: ambiguous, errdefs.ErrInvalidArgument.
func byShortName(imgs []storage.Image, name string, sn shortName) (*storage.Image, string, error) {
	var found *storage.Image
	var full string
	var all []string
	for i := range imgs {
		for _, n := range imgs[i].Names {
			if !sn.matches(n) && !(sn.digest != "" && sn.matchesDigest(n, imgs[i].Digests)) {
				continue
			}
			all = append(all, n)
			if found == nil {
				found, full = &imgs[i], n
			} else if found.ID != imgs[i].ID {
				return nil, "", ambiguous(name, all)
			}
		}
	}
	return found, full, nil
}

func ambiguous(name string, candidates []string) error {
	return fmt.Errorf("short name %q is ambiguous (%s); use a full name: %w",
		name, strings.Join(candidates, ", "), errdefs.ErrInvalidArgument)
}

// byIDPrefix finds the one image whose ID starts with prefix.
func byIDPrefix(imgs []storage.Image, nameOrID, prefix string) (*storage.Image, string, error) {
	var found *storage.Image
	for i := range imgs {
		if !strings.HasPrefix(imgs[i].ID, prefix) {
			continue
		}
		if found != nil {
			return nil, "", fmt.Errorf("image ID prefix %q is ambiguous: %w", nameOrID, errdefs.ErrInvalidArgument)
		}
		found = &imgs[i]
	}
	if found == nil {
		return nil, "", notFound(nameOrID)
	}
	return found, found.ID, nil
}
