package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/console"
	"github.com/podunit/podunit/engine/errdefs"
)

// detachKeysFlag is --detach-keys of run, start and exec (Podman's).
// exec -it detaches with them (parse). run and start -a, which hold their
// container's terminal in their own process (docs/ARCHITECTURE.md,
// Terminals), cannot detach yet (check): they accept "" (no detaching, what
// they do) and Podman's default, which they leave unused, and refuse any
// other sequence rather than ignore it. attach has its own flag.
type detachKeysFlag struct {
	keys string
}

func (f *detachKeysFlag) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.keys, "detach-keys", console.DefaultDetachKeys,
		"keys that detach: ctrl-KEY or a character, comma-separated (\"\": none); run and start -a cannot detach yet (run -dit, then attach) and take only \"\" or the default")
}

// parse is the sequence (nil: none).
func (f *detachKeysFlag) parse() ([]byte, error) {
	keys, err := console.ParseDetachKeys(f.keys)
	if err != nil {
		return nil, fmt.Errorf("invalid --detach-keys %w", err)
	}
	return keys, nil
}

// check refuses a sequence that verb, attached, could not honour; a bad
// one always.
func (f *detachKeysFlag) check(verb string, attached bool) error {
	keys, err := f.parse()
	switch {
	case err != nil:
		return err
	case attached && len(keys) > 0 && f.keys != console.DefaultDetachKeys:
		return fmt.Errorf("--detach-keys %q: %s cannot detach from a container or process it runs attached "+
			"(run -dit and attach can): %w", f.keys, verb, errdefs.ErrNotImplemented)
	}
	return nil
}
