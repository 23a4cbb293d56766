package image

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"go.podman.io/storage"
)

// The pull policies (podman's --pull / --policy).
const (
	PullMissing = "missing" // pull only when no local image answers to the name (the default)
	PullAlways  = "always"  // always pull
	PullNever   = "never"   // never pull: no local image is errdefs.ErrNotFound
	PullNewer   = "newer"   // pull when the registry's manifest digest differs from the local image's
)

// PullOptions control Pull.
type PullOptions struct {
	Policy string // PullMissing (""), PullAlways, PullNever or PullNewer; also podman's true/false
	// Progress receives the "Trying to pull …" and copy lines; a terminal
	// gets progress bars. nil: quiet.
	Progress io.Writer
	RegistryOptions
	PullExtras
}

// ParsePullPolicy checks a pull policy name and returns its canonical form.
func ParsePullPolicy(p string) (string, error) {
	switch strings.ToLower(p) {
	case "", PullMissing:
		return PullMissing, nil
	case PullAlways, "true":
		return PullAlways, nil
	case PullNever, "false":
		return PullNever, nil
	case PullNewer, "ifnewer":
		return PullNewer, nil
	}
	return "", fmt.Errorf("invalid pull policy %q: want always, missing, never or newer: %w", p, errdefs.ErrInvalidArgument)
}

// Pull makes the image name available locally according to o.Policy: from
// local storage, or copied from a registry into it. A short name is
// resolved as podman does it, through registries.conf's aliases,
// unqualified-search-registries and short-name-mode; mirrors, insecure
// registries, policy.json and auth.json apply. Errors name the reference and
// wrap an errdefs class: ErrNotFound (no such image, or none local with
// PullNever), ErrUnavailable (registry unreachable or refusing),
// ErrInvalidArgument (bad name or policy, or the signature policy rejects it).
// "docker://REF" is a registry reference; docker-archive:PATH,
// oci-archive:PATH, oci:DIR[:NAME] and dir:DIR are copied in as podman does.
func (s *Store) Pull(ctx context.Context, name string, o PullOptions) (*Image, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	policy, err := ParsePullPolicy(o.Policy)
	if err != nil {
		return nil, err
	}
	if transport, rest, ok := localSource(name); ok {
		return s.pullLocal(ctx, transport, rest, o)
	}
	name = strings.TrimPrefix(name, "docker://")
	local, used, err := s.lookupForPull(name)
	if err != nil {
		return nil, err
	}
	byID := local != nil && used == local.ID
	switch {
	case local == nil && (policy == PullNever || looksLikeID(name)):
		return nil, fmt.Errorf("image %q not found in local storage (pull policy %s): %w", name, policy, errdefs.ErrNotFound)
	case local != nil && (policy == PullNever || policy == PullMissing || (byID && policy == PullNewer)):
		return s.image(ctx, local.ID, used)
	case byID:
		return nil, fmt.Errorf("cannot pull %q: it is an image ID (pull policy %s): %w", name, policy, errdefs.ErrInvalidArgument)
	case local != nil:
		name = used // pull what the name resolved to locally, as podman does
	}
	return s.pullFromRegistry(ctx, name, policy, local, o)
}

// lookupForPull finds the local image name answers to: (nil, "", nil) if none.
func (s *Store) lookupForPull(name string) (*storage.Image, string, error) {
	img, used, err := s.lookup(name)
	if errdefs.IsNotFound(err) {
		return nil, "", nil
	}
	return img, used, err
}

// looksLikeID reports whether name can only be an image ID.
func looksLikeID(name string) bool {
	id, hasPrefix := strings.CutPrefix(name, "sha256:")
	return isHex(id) && (hasPrefix || len(id) == 64)
}

// image is the Image with ID id, found under the name used.
func (s *Store) image(ctx context.Context, id, used string) (*Image, error) {
	cfg, _, hc, err := s.readImage(ctx, id)
	if err != nil {
		return nil, err
	}
	c := cfg.Config
	return &Image{ID: id, Name: used, Config: ImageConfig{
		Env: c.Env, Cmd: c.Cmd, Entrypoint: c.Entrypoint, WorkingDir: c.WorkingDir,
		User: c.User, StopSignal: c.StopSignal, Labels: c.Labels, Healthcheck: hc,
	}}, nil
}
