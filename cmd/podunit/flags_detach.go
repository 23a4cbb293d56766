package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/console"
	"github.com/podunit/podunit/engine/errdefs"
)

// detachKeysFlag is --detach-keys of run, start and exec (Podman's). A
// command that runs its container or process attached holds the terminal
// in its own process (docs/ARCHITECTURE.md, Terminals) and cannot detach
// yet: it accepts "" (no detaching, what it does) and Podman's default,
// which it leaves unused, and refuses any other sequence rather than
// ignore it. attach detaches with its own flag.
type detachKeysFlag struct {
	keys string
}

func (f *detachKeysFlag) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.keys, "detach-keys", console.DefaultDetachKeys,
		"keys that detach (\"\": none); attached runs cannot detach yet (run -dit, then attach), so only \"\" or the default is accepted")
}

// check refuses a sequence that verb, attached, could not honour; a bad
// one always.
func (f *detachKeysFlag) check(verb string, attached bool) error {
	keys, err := console.ParseDetachKeys(f.keys)
	switch {
	case err != nil:
		return fmt.Errorf("invalid --detach-keys %w", err)
	case attached && len(keys) > 0 && f.keys != console.DefaultDetachKeys:
		return fmt.Errorf("--detach-keys %q: %s cannot detach from a container or process it runs attached "+
			"(run -dit and attach can): %w", f.keys, verb, errdefs.ErrNotImplemented)
	}
	return nil
}
