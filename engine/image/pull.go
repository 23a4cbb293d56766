package image

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	encconfig "github.com/containers/ocicrypt/config"
	"github.com/podunit/podunit/engine/errdefs"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/pkg/shortnames"
	"go.podman.io/image/v5/signature"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"
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

// pullFromRegistry tries each candidate the (possibly short) name resolves to.
func (s *Store) pullFromRegistry(ctx context.Context, name, policy string, local *storage.Image, o PullOptions) (*Image, error) {
	decrypt, err := decryptConfig(o.DecryptionKeys)
	if err != nil {
		return nil, fmt.Errorf("pulling %q: %w", name, err)
	}
	sys := s.systemContext(o.RegistryOptions)
	o.PullExtras.apply(sys)
	resolved, err := shortnames.Resolve(sys, name)
	if err != nil {
		return nil, fmt.Errorf("pulling %q: %w: %w", name, errdefs.ErrInvalidArgument, err)
	}
	pc, err := systemPolicy(sys)
	if err != nil {
		return nil, fmt.Errorf("pulling %q: %w", name, err)
	}
	defer pc.Destroy()
	if desc := resolved.Description(); desc != "" && o.Progress != nil {
		fmt.Fprintln(o.Progress, desc)
	}
	var errs []error
	for _, c := range resolved.PullCandidates {
		src, err := docker.NewReference(c.Value)
		if err != nil {
			return nil, fmt.Errorf("pulling %q: %w: %w", name, errdefs.ErrInvalidArgument, err)
		}
		if policy == PullNewer && local != nil {
			if same, err := sameDigest(ctx, sys, src, local); err != nil || same {
				errs = append(errs, err)
				continue
			}
		}
		var id string
		err = o.withRetry(ctx, func() (err error) {
			id, err = s.pullCandidate(ctx, pc, sys, src, c.Value, o.Progress, decrypt)
			return err
		})
		if err != nil {
			if !sameName(c.Value, name) {
				err = fmt.Errorf("%s: %w", c.Value, err)
			}
			errs = append(errs, err)
			continue
		}
		_ = c.Record() // an alias the user chose at a prompt; failing to record it is no failure to pull
		s.event("pull", id, reference.TagNameOnly(c.Value).String())
		return s.image(ctx, id, reference.TagNameOnly(c.Value).String())
	}
	if local != nil && policy == PullNewer {
		return s.image(ctx, local.ID, name)
	}
	return nil, pullError(name, errs)
}

// sameName reports whether name, fully qualified and tagged, is candidate.
func sameName(candidate reference.Named, name string) bool {
	named, err := reference.ParseNormalizedNamed(name)
	return err == nil && reference.TagNameOnly(named).String() == candidate.String()
}

// sameDigest reports whether the registry's manifest for src is one local already has.
func sameDigest(ctx context.Context, sys *types.SystemContext, src types.ImageReference, local *storage.Image) (bool, error) {
	d, err := docker.GetDigest(ctx, sys, src)
	if err != nil {
		return false, err
	}
	return slices.Contains(local.Digests, d) || local.Digest == d, nil
}

// pullCandidate copies src into the store as named and returns the image's ID.
func (s *Store) pullCandidate(ctx context.Context, pc *signature.PolicyContext, sys *types.SystemContext,
	src types.ImageReference, named reference.Named, progress io.Writer, decrypt *encconfig.DecryptConfig) (string, error) {
	dest, err := istorage.Transport.NewStoreReference(s.store, named, "")
	if err != nil {
		return "", err
	}
	if progress != nil {
		fmt.Fprintf(progress, "Trying to pull %s...\n", named)
	}
	o, err := s.beginOp() // its directory takes containers/image's temporary files
	if err != nil {
		return "", err
	}
	defer o.end()
	_, err = copy.Image(ctx, pc, dest, src, &copy.Options{ReportWriter: progress, SourceCtx: sys, DestinationCtx: o.sys,
		OciDecryptConfig: decrypt})
	if err != nil && decrypt == nil {
		err = encryptedFailure(ctx, sys, src, err)
	}
	if err != nil {
		return "", pullFailure(ctx, sys, src, err)
	}
	img, err := istorage.Transport.GetStoreImage(s.store, dest)
	if err != nil {
		return "", fmt.Errorf("finding the pulled image: %w", err)
	}
	return img.ID, nil
}

// pullError joins the candidates' errors under one class: ErrNotFound when
// no candidate has the image, else the first other failure's class.
func pullError(name string, errs []error) error {
	errs = slices.DeleteFunc(errs, func(err error) bool { return err == nil })
	if len(errs) == 0 {
		return fmt.Errorf("pulling %q: no candidate to pull from: %w", name, errdefs.ErrNotFound)
	}
	class := errdefs.ErrNotFound
	for _, err := range errs {
		if c := registryClass(err); c != errdefs.ErrNotFound {
			class = c
			break
		}
	}
	joined := errs[0]
	if len(errs) > 1 {
		joined = errors.Join(errs...)
	}
	if isPolicyRejection(joined) {
		return fmt.Errorf("pulling %q: %w: rejected by the signature policy: %w", name, class, joined)
	}
	return fmt.Errorf("pulling %q: %w: %w", name, class, joined)
}
