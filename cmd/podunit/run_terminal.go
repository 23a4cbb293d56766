package main

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/model"
)

// attachedWhy says whether an attached run (run, start -a) of a container
// with tty and interactive (-t, -i; for start -a, the container's and the
// flag's) can detach: "" when it can, else why not. It can under systemd,
// which then runs the container in its unit (engine.StartAttachedUnit);
// elsewhere the container is this command's child.
func attachedWhy(tty, interactive bool) string {
	switch {
	case !tty || !interactive:
		return "from a container without both -t and -i (it has no terminal to type the keys on)"
	case requireSystemd("detaching") != nil:
		return "without systemd: the container runs attached to this command (it cannot outlive it)"
	}
	return ""
}

// runInUnitAttached runs container ref in its unit attached to this
// terminal (run -it, start -ai under systemd) and sets the exit code; the
// detach keys leave it running, and end this command with 0.
func (a *app) runInUnitAttached(cmd *cobra.Command, eng *engine.Engine, ref string, dk detachKeysFlag) error {
	keys, err := dk.parse()
	if err != nil {
		return err
	}
	o := engine.AttachOptions{In: a.in, Out: a.out, Err: a.err, DetachKeys: keys, Size: a.in}
	code, err := eng.StartAttachedUnit(a.ctx(cmd), ref, o)
	if errors.Is(err, engine.ErrDetached) {
		return nil
	}
	a.exitCode = code
	return err
}

// attachedInUnit checks --detach-keys for verb and says whether its run,
// when attached, is to be one in the container's unit: it can detach
// there, and detach keys were given.
func attachedInUnit(dk detachKeysFlag, verb string, attached, tty, interactive bool) (bool, error) {
	if !attached {
		return false, dk.check(verb, "")
	}
	why := attachedWhy(tty, interactive)
	if err := dk.check(verb, why); err != nil {
		return false, err
	}
	keys, _ := dk.parse()
	return why == "" && len(keys) > 0, nil
}

// runCreatedInUnit is runInUnitAttached for the container run just made:
// should it not start, an --rm one goes (unless it runs: then its unit's
// cleanup removes it).
func (a *app) runCreatedInUnit(cmd *cobra.Command, eng *engine.Engine, c *model.Container, dk detachKeysFlag) error {
	err := a.runInUnitAttached(cmd, eng, c.ID, dk)
	if err != nil && c.Config.Remove {
		_ = eng.Remove(context.Background(), c.ID, engine.RemoveOptions{})
	}
	return err
}

// startAttachedInUnit checks start -a's --detach-keys for container ref
// and, when it is to run in its unit attached, runs it so (true).
func (a *app) startAttachedInUnit(cmd *cobra.Command, eng *engine.Engine, ref string, interactive bool, dk detachKeysFlag) (bool, error) {
	c, err := eng.Container(a.ctx(cmd), ref)
	if err != nil {
		return false, err
	}
	inUnit, err := attachedInUnit(dk, "start --attach", true, c.Config.Tty, interactive && c.Config.Interactive)
	if err != nil || !inUnit {
		return false, err
	}
	return true, a.runInUnitAttached(cmd, eng, c.ID, dk)
}
