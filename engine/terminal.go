package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/podunit/podunit/engine/console"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/oci"
)

// AttachOptions are what Attach connects to a container's terminal.
type AttachOptions = console.AttachOptions

// ErrDetached: Attach ended because the caller typed the detach keys.
var ErrDetached = console.ErrDetached

// startKeeper binds the console sockets in the bundle and starts the
// console keeper (`podunit container console-keeper ID`) holding them, in
// this unit, with this process's stdout (the unit's journal) for the
// container's terminal output. It sets stdio's console socket for the
// runtime and returns what stops the keeper should the create fail.
func (e *Engine) startKeeper(c *model.Container, bundle string, stdio *oci.Stdio) (func(), error) {
	consoleL, attachL, err := console.Listen(bundle)
	if err != nil {
		return nil, err
	}
	consoleF, attachF, err := console.Files(consoleL, attachL)
	if err != nil {
		return nil, err
	}
	defer consoleF.Close()
	defer attachF.Close()
	args := e.unitArgs("console-keeper", c.ID)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.ExtraFiles = []*os.File{consoleF, attachF}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the console keeper of %q: %w", c.Name, err)
	}
	stdio.ConsoleSocket = console.ConsoleSocket
	return func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }, nil
}

// Attach connects the caller to the terminal of a running container that
// runs as a unit with -t, until it exits (its exit code is returned) or
// the caller types the detach keys (ErrDetached; the container runs on).
func (e *Engine) Attach(ctx context.Context, ref string, o AttachOptions) (int, error) {
	c, err := e.Refresh(ctx, ref)
	if err != nil {
		return 0, err
	}
	if err := attachable(c); err != nil {
		return 0, err
	}
	if !c.Config.Interactive {
		o.In = nil // as Podman: no stdin for a container created without -i
	}
	err = console.Attach(e.bundleDir(c.ID), o)
	if errors.Is(err, console.ErrDetached) {
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("attaching to %q: %w", c.Name, err)
	}
	return e.Wait(ctx, c.ID)
}

// attachable says why a container has no terminal to attach to.
func attachable(c *model.Container) error {
	switch {
	case c.State.Status != model.Running:
		return fmt.Errorf("container %q is not running: %w", c.Name, errdefs.ErrConflict)
	case !c.Config.Tty:
		return fmt.Errorf("container %q has no terminal (created without -t): attach needs one; "+
			"its output is in `podunit logs -f %s`: %w", c.Name, c.Name, errdefs.ErrNotImplemented)
	case c.State.Unit == "":
		return fmt.Errorf("container %q runs attached to the terminal that started it: %w", c.Name, errdefs.ErrConflict)
	}
	return nil
}
