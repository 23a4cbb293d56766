package state

import (
	"fmt"

	"github.com/podunit/podunit/engine/errdefs"
)

// DamagedError is a stored record that cannot be read: its JSON does not
// parse, or it lacks what every record must have (a name, its own ID).
// Listings skip such a record and report it; a lookup of it returns this
// error, so that rm -f and system check can still find and remove it.
type DamagedError struct {
	Kind string // "container" or "pod"
	ID   string // the row's key
	Name string // the row's name column, which may be all that is left
	Err  error  // what is wrong with it
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("%s %s: stored record is damaged: %v", e.Kind, shortID(e.ID), e.Err)
}

// Unwrap gives the class, ErrCorrupt, and the cause.
func (e *DamagedError) Unwrap() []error { return []error{errdefs.ErrCorrupt, e.Err} }

// damaged wraps cause as kind id's DamagedError.
func damaged(kind, id, name string, cause error) *DamagedError {
	return &DamagedError{Kind: kind, ID: id, Name: name, Err: cause}
}

// SetWarn makes fn the receiver of every damaged record a listing skips.
// Without it they are skipped silently.
func (s *Store) SetWarn(fn func(error)) { s.warn = fn }

// report hands each damaged record to the warn function.
func (s *Store) report(bad []*DamagedError) {
	for _, d := range bad {
		if s.warn != nil {
			s.warn(d)
		}
	}
}
