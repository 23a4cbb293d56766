package main

import (
	"os"

	"github.com/podunit/podunit/engine"
)

// attachedStdio is what a container run in the foreground gets: this
// process's stdout and stderr, and its stdin when interactive (-i).
func (a *app) attachedStdio(interactive bool) engine.Stdio {
	stdio := engine.Stdio{Out: os.Stdout, Err: os.Stderr}
	if interactive {
		stdio.In = a.in
	}
	return stdio
}
