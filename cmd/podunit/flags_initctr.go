package main

import (
	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/model"
)

// initCtrFlags make a pod member an init container (Podman's --init-ctr).
type initCtrFlags struct{ initCtr string }

func (f *initCtrFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.initCtr, "init-ctr", "", "make the container an init container of its pod, run to completion before the others start: always (on every pod start) or once (then removed)")
}

func (f *initCtrFlags) apply(c *model.Config) { c.InitCtr = f.initCtr }
