//go:build !hotpath

package image

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

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
		s.event("pull", id, tagged(c.Value))
		return s.image(ctx, id, tagged(c.Value))
	}
	if local != nil && policy == PullNewer {
		return s.image(ctx, local.ID, name)
	}
	return nil, pullError(name, errs)
}

// sameName reports whether name, fully qualified and tagged, is candidate.
func sameName(candidate reference.Named, name string) bool {
	named, err := parseNormalized(name)
	return err == nil && named.withDefaultTag() == candidate.String()
}

// tagged is the name a pulled candidate is stored under: with the default
// tag where it has none.
func tagged(candidate reference.Named) string {
	named, err := parseNormalized(candidate.String())
	if err != nil { // docker/reference made it: the two parsers agree (FuzzReference)
		return candidate.String()
	}
	return named.withDefaultTag()
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
	_, err = copy.Image(ctx, pc, dest, src, &copy.Options{ReportWriter: progress, SourceCtx: sys, DestinationCtx: o.sys(),
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
