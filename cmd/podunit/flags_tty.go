package main

import (
	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/model"
)

// termFlags are create's and run's -i and -t.
type termFlags struct {
	tty, interactive bool
}

func (f *termFlags) register(fs *pflag.FlagSet) {
	fs.BoolVarP(&f.interactive, "interactive", "i", false, "keep stdin open: run and start -a pass theirs to the container")
	fs.BoolVarP(&f.tty, "tty", "t", false, "give the container a pseudo-terminal (run: on this terminal; -d: for attach)")
}

func (f *termFlags) apply(c *model.TermConfig) {
	c.Tty, c.Interactive = f.tty, f.interactive
}
