package image

import (
	"context"
	"errors"
	"time"

	"go.podman.io/common/pkg/retry"

	"github.com/podunit/podunit/engine/errdefs"
)

// DefaultPullRetries is how often a failed pull is tried again, Podman's.
const DefaultPullRetries = 3

// Retry says how a pull that fails on the way (a refused or reset
// connection, a registry's 502-504) is tried again: Max more times (nil:
// DefaultPullRetries), Delay apart (0: 1 s, 2 s, 4 s … as Podman).
type Retry struct {
	Max   *uint
	Delay time.Duration
}

// PullRetry is Pull, tried again as r says while the failure is one that
// may pass. A missing image, a bad name or a refused login is final.
func (s *Store) PullRetry(ctx context.Context, name string, o PullOptions, r Retry) (*Image, error) {
	max := uint(DefaultPullRetries)
	if r.Max != nil {
		max = *r.Max
	}
	var img *Image
	err := retry.IfNecessary(ctx, func() error {
		var err error
		img, err = s.Pull(ctx, name, o)
		return err
	}, &retry.Options{MaxRetry: int(max), Delay: r.Delay, IsErrorRetryable: retryablePull})
	return img, err
}

// retryablePull reports whether a pull's error may pass: not one of
// podunit's final classes, and somewhere in its chain an error
// containers/common's heuristic retries (it follows single wraps only;
// podunit's errors wrap a class and a cause).
func retryablePull(err error) bool {
	if err == nil || errors.Is(err, errdefs.ErrNotFound) || errors.Is(err, errdefs.ErrInvalidArgument) {
		return false
	}
	return anyRetryable(err)
}

func anyRetryable(err error) bool {
	if retry.IsErrorRetryable(err) {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if anyRetryable(e) {
				return true
			}
		}
	case interface{ Unwrap() error }:
		if e := u.Unwrap(); e != nil {
			return anyRetryable(e)
		}
	}
	return false
}
