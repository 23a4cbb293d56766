package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/console"
	"github.com/podunit/podunit/engine/errdefs"
)

// detachKeysFlag is --detach-keys of run, start and exec (Podman's).
// exec -it detaches with them (parse); so do run -it and start -ai under
// systemd, whose container then runs in its unit (run_terminal.go). An
// attached run that cannot detach (without systemd, or without -t and -i)
// accepts "" (no detaching, what it does) and Podman's default, which it
// leaves unused, and refuses any other sequence rather than ignore it
// (check). attach has its own flag.
type detachKeysFlag struct {
	keys string
}

func (f *detachKeysFlag) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.keys, "detach-keys", console.DefaultDetachKeys,
		"keys that detach: ctrl-KEY or a character, comma-separated (\"\": none); run and start -a detach only with -it under systemd")
}

// parse is the sequence (nil: none).
func (f *detachKeysFlag) parse() ([]byte, error) {
	keys, err := console.ParseDetachKeys(f.keys)
	if err != nil {
		return nil, fmt.Errorf("invalid --detach-keys %w", err)
	}
	return keys, nil
}

// check refuses a sequence that verb could not honour (cannot says why
// not; "" when it can, or does not attach); a bad one always.
func (f *detachKeysFlag) check(verb, cannot string) error {
	keys, err := f.parse()
	switch {
	case err != nil:
		return err
	case cannot != "" && len(keys) > 0 && f.keys != console.DefaultDetachKeys:
		return fmt.Errorf("--detach-keys %q: %s cannot detach %s: %w", f.keys, verb, cannot, errdefs.ErrNotImplemented)
	}
	return nil
}
