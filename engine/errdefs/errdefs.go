// Package errdefs defines the classes of errors the engine returns. Every
// engine error wraps exactly one of these sentinels with %w, so callers (the
// CLI's exit codes, for one) decide by class with errors.Is, never by text.
package errdefs

import "errors"

// The error classes.
var (
	// ErrNotFound: the named object (container, image, pod, unit) does not exist.
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: an object with that name or ID exists already.
	ErrAlreadyExists = errors.New("already exists")
	// ErrInvalidArgument: the caller's input (a name, flag value, file) is bad.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrConflict: the object's state forbids the operation (running, in use, locked).
	ErrConflict = errors.New("conflict")
	// ErrNotImplemented: the operation is not supported (yet, or here).
	ErrNotImplemented = errors.New("not implemented")
	// ErrUnavailable: a service the operation needs (systemd, the runtime) is absent.
	ErrUnavailable = errors.New("unavailable")
	// ErrCorrupt: stored state (a record, the database) is damaged or lost.
	ErrCorrupt = errors.New("damaged")
)

// IsNotFound reports whether err is of class ErrNotFound.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsAlreadyExists reports whether err is of class ErrAlreadyExists.
func IsAlreadyExists(err error) bool { return errors.Is(err, ErrAlreadyExists) }

// IsInvalidArgument reports whether err is of class ErrInvalidArgument.
func IsInvalidArgument(err error) bool { return errors.Is(err, ErrInvalidArgument) }

// IsConflict reports whether err is of class ErrConflict.
func IsConflict(err error) bool { return errors.Is(err, ErrConflict) }

// IsNotImplemented reports whether err is of class ErrNotImplemented.
func IsNotImplemented(err error) bool { return errors.Is(err, ErrNotImplemented) }

// IsUnavailable reports whether err is of class ErrUnavailable.
func IsUnavailable(err error) bool { return errors.Is(err, ErrUnavailable) }

// IsCorrupt reports whether err is of class ErrCorrupt.
func IsCorrupt(err error) bool { return errors.Is(err, ErrCorrupt) }

// ErrFullBinary is not a class of the operation's failure but a dispatch:
// the operation's code is not linked into the hot-path podunit binary
// (build tag hotpath), which then runs the whole command line again in the
// full one. It is returned before the operation changes anything.
var ErrFullBinary = errors.New("needs podunit's full binary")
