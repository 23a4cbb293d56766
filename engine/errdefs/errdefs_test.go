package errdefs

import (
	"fmt"
	"testing"
)

func TestClassesSurviveWrapping(t *testing.T) {
	checks := []struct {
		class error
		is    func(error) bool
	}{
		{ErrNotFound, IsNotFound},
		{ErrAlreadyExists, IsAlreadyExists},
		{ErrInvalidArgument, IsInvalidArgument},
		{ErrConflict, IsConflict},
		{ErrNotImplemented, IsNotImplemented},
		{ErrUnavailable, IsUnavailable},
		{ErrCorrupt, IsCorrupt},
	}
	for i, c := range checks {
		err := fmt.Errorf("outer: %w", fmt.Errorf("container %q: %w", "web", c.class))
		if !c.is(err) {
			t.Errorf("%v: wrapped error not recognised", c.class)
		}
		other := checks[(i+1)%len(checks)]
		if other.is(err) {
			t.Errorf("%v: wrongly recognised as %v", c.class, other.class)
		}
	}
}
