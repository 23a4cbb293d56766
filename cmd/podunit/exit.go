package main

import (
	"errors"
	"strings"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
)

// exitEngine is Podman's exit code for the engine's own failures: podunit
// itself failed, or the input was bad (126, 127 and 128+n for an attached
// run come from engine.ExitCodeOf).
const exitEngine = 125

// exitError carries an exit code chosen by a command (exists, rm).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// exitCodeOf maps an error to the process exit code.
func exitCodeOf(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return engine.ExitCodeOf(err) // exec failures, signals before the start, else exitEngine
}

// errorText drops the class suffix the engine's wrapping leaves when it
// only repeats what the message says (": not found" after "… not found").
func errorText(err error) string {
	msg := err.Error()
	for _, class := range []error{errdefs.ErrNotFound, errdefs.ErrInvalidArgument, errdefs.ErrConflict,
		errdefs.ErrAlreadyExists, errdefs.ErrUnavailable, errdefs.ErrNotImplemented} {
		suffix := ": " + class.Error()
		if strings.HasSuffix(msg, suffix) && strings.Contains(strings.TrimSuffix(msg, suffix), class.Error()) {
			return strings.TrimSuffix(msg, suffix)
		}
	}
	return msg
}
