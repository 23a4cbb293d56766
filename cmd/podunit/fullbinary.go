package main

import (
	"fmt"
	"os"
	"syscall"

	"github.com/podunit/podunit/internal/helperbin"
)

// podunit is two binaries. /usr/bin/podunit, built with the tag hotpath,
// holds the verbs that units, timers and scripts run most (fastVerbs) and
// links neither containers/image's transports nor Kubernetes: it starts in
// about a third of the time. Every other command line, and a hot verb that
// finds it must copy an image (errdefs.ErrFullBinary, returned before any
// change), it runs again, unchanged, in podunit-full, which has every verb.
// podunit-full learns the hot binary's path from envHotBinary, so that the
// units it writes run the hot one.

// envHotBinary carries the hot binary's path into podunit-full.
const envHotBinary = "PODUNIT_HOT_BINARY"

// hotBinary is the hot-path podunit that started this full one ("" if
// none did); main reads it before anything else and clears the variable, so
// that no container inherits it (--env-host).
var hotBinary string

func takeHotBinary() {
	hotBinary = os.Getenv(envHotBinary)
	os.Unsetenv(envHotBinary)
}

// unitBinary is the podunit that units and keepers run: the hot binary
// where there is one, else this one.
func unitBinary() (string, error) {
	if hotBinary != "" {
		return hotBinary, nil
	}
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("finding the podunit binary: %w", err)
	}
	return self, nil
}

// fullBinaryFor is podunit-full for the hot binary self (helperbin.Places).
func fullBinaryFor(self string) (string, error) {
	if p, ok := helperbin.Find(self, "podunit-full"); ok {
		return p, nil
	}
	tried := helperbin.Places(self, "podunit-full")
	return "", fmt.Errorf("this command needs podunit-full, found neither at %s nor at %s", tried[0], tried[1])
}

// execFull runs the command line args in podunit-full, in this process; it
// returns only when it cannot.
func execFull(args []string) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding the podunit binary: %w", err)
	}
	full, err := fullBinaryFor(self)
	if err != nil {
		return err
	}
	env := append(os.Environ(), envHotBinary+"="+self)
	err = syscall.Exec(full, append([]string{os.Args[0]}, args...), env)
	return fmt.Errorf("running %s: %w", full, err)
}
