//go:build !hotpath

package image

import (
	"context"
	"fmt"
	"strings"

	"go.podman.io/common/pkg/retry"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/docker/reference"

	"github.com/podunit/podunit/engine/errdefs"
)

// withRetry runs op, again up to x.Retry times while it fails with an error
// worth retrying (network, registry 5xx), as podman's --retry.
func (x PullExtras) withRetry(ctx context.Context, op func() error) error {
	if x.Retry <= 0 {
		return op()
	}
	return retry.IfNecessary(ctx, op, &retry.Options{MaxRetry: x.Retry, Delay: x.RetryDelay, IsErrorRetryable: retryablePull})
}

// PullAllTags pulls every tag of the registry repository name (podman
// pull --all-tags), in the registry's order, and returns the images.
func (s *Store) PullAllTags(ctx context.Context, name string, o PullOptions) ([]*Image, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	named, err := reference.ParseNormalizedNamed(strings.TrimPrefix(name, "docker://"))
	if err != nil {
		return nil, fmt.Errorf("pulling all tags of %q: %w: %w", name, errdefs.ErrInvalidArgument, err)
	}
	if !reference.IsNameOnly(named) {
		return nil, fmt.Errorf("pulling all tags of %q: name a repository without a tag or digest: %w", name, errdefs.ErrInvalidArgument)
	}
	ref, err := docker.NewReference(reference.TagNameOnly(named))
	if err != nil {
		return nil, fmt.Errorf("pulling all tags of %q: %w: %w", name, errdefs.ErrInvalidArgument, err)
	}
	sys := s.systemContext(o.RegistryOptions)
	o.PullExtras.apply(sys)
	tags, err := docker.GetRepositoryTags(ctx, sys, ref)
	if err != nil {
		return nil, fmt.Errorf("pulling all tags of %q: %w: %w", name, registryClass(err), err)
	}
	var out []*Image
	for _, tag := range tags {
		img, err := s.Pull(ctx, named.Name()+":"+tag, o)
		if err != nil {
			return out, err
		}
		out = append(out, img)
	}
	return out, nil
}
