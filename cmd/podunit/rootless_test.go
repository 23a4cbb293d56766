package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/podunit/podunit/engine/rootless"
)

// notHere decides whether run removes the container it made before the
// parent runs it again in another user namespace: only for that error,
// however wrapped.
func TestNotHere(t *testing.T) {
	nh := &rootless.NotHereError{PID: 42, What: `container "a"`}
	if !notHere(nh) || !notHere(fmt.Errorf("starting: %w", nh)) {
		t.Error("a NotHereError was not taken for one")
	}
	if notHere(nil) || notHere(errors.New("container \"a\" runs in another user namespace")) {
		t.Error("another error was taken for a NotHereError")
	}
}
