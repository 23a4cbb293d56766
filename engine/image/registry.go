//go:build !hotpath

package image

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/docker/distribution/registry/api/errcode"
	"github.com/podunit/podunit/engine/errdefs"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/signature"
	"go.podman.io/image/v5/types"
)

// systemPolicy opens the signature policy sys names (policy.json by default).
func systemPolicy(sys *types.SystemContext) (*signature.PolicyContext, error) {
	p, err := signature.DefaultPolicy(sys)
	if err != nil {
		return nil, fmt.Errorf("reading signature policy: %w: %w", classOfFileError(err), err)
	}
	pc, err := signature.NewPolicyContext(p)
	if err != nil {
		return nil, fmt.Errorf("signature policy: %w: %w", errdefs.ErrInvalidArgument, err)
	}
	return pc, nil
}

func classOfFileError(err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return errdefs.ErrNotFound
	}
	return errdefs.ErrInvalidArgument
}

// registryClass is the errdefs class of a failure to talk to a registry or
// to copy from it: the image or repository is missing (NotFound), the
// signature policy refuses it (InvalidArgument), or the registry cannot be
// reached or refuses us (Unavailable; also anything unrecognised).
func registryClass(err error) error {
	var pre signature.PolicyRequirementError
	var unauth docker.ErrUnauthorizedForCredentials
	var ec errcode.Error
	switch {
	case errors.As(err, &pre), errors.Is(err, errdefs.ErrInvalidArgument): // a bad layer (pullFailure)
		return errdefs.ErrInvalidArgument
	case errors.As(err, &unauth):
		return errdefs.ErrUnavailable
	case errors.As(err, &ec):
		if ec.Code.Descriptor().HTTPStatusCode == http.StatusNotFound {
			return errdefs.ErrNotFound
		}
	}
	return errdefs.ErrUnavailable
}

// isPolicyRejection reports whether err is the signature policy refusing an image.
func isPolicyRejection(err error) bool {
	var pre signature.PolicyRequirementError
	return errors.As(err, &pre)
}

// RegistryDigest is the digest of the manifest the registry serves for the
// fully qualified name (with a tag), without pulling anything.
func (s *Store) RegistryDigest(ctx context.Context, name string, o RegistryOptions) (string, error) {
	named, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return "", fmt.Errorf("image %q: %w: %w", name, errdefs.ErrInvalidArgument, err)
	}
	src, err := docker.NewReference(reference.TagNameOnly(named))
	if err != nil {
		return "", fmt.Errorf("image %q: %w: %w", name, errdefs.ErrInvalidArgument, err)
	}
	d, err := docker.GetDigest(ctx, s.systemContext(o), src)
	if err != nil {
		return "", fmt.Errorf("checking %q in its registry: %w: %w", name, registryClass(err), err)
	}
	return d.String(), nil
}
