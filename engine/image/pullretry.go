//go:build !hotpath

package image

import (
	"errors"
	"syscall"

	"go.podman.io/common/pkg/retry"

	"github.com/podunit/podunit/engine/errdefs"
)

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
	// A registry that drops the connection shows as a reset when we read
	// and as a broken pipe when we were writing (the heuristic has only
	// the first): the same transient failure.
	if retry.IsErrorRetryable(err) || errors.Is(err, syscall.EPIPE) {
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
