package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/console"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/systemd"
)

// StartAttachedUnit runs a container with -t under systemd as `run -dit`
// does, in its transient unit with the console keeper, and attaches the
// caller to its terminal from the first byte: `run -it` and `start -ai`,
// which can so detach (o.DetachKeys; ErrDetached, the unit runs on) as
// attach can. The caller's end of a socket pair is attached here; the
// other end is the unit's stdin (StandardInputFileDescriptor=), which
// unit-start hands to the keeper as its first caller (withUnitCaller)
// after it read the caller's size from it (unitCallerSize). Signals go to
// the unit, as attach's do, and the exit code comes as attach reads it.
// A container that runs, or whose unit is a unit file's or holds it
// created already, is started as start does and then attached to.
func (e *Engine) StartAttachedUnit(ctx context.Context, ref string, o AttachOptions) (int, error) {
	c, err := e.container(ctx, ref)
	if err != nil {
		return 0, err
	}
	if c.State.Status == model.Running || InUnitFile(c) || e.initialized(c) {
		if _, err := e.StartUnit(ctx, c.ID); err != nil {
			return 0, err
		}
		return e.Attach(ctx, c.ID, o)
	}
	ours, theirs, err := console.CallerPair()
	if err != nil {
		return 0, err
	}
	console.SendSize(ours, o.Size) // before the unit starts: unit-start peeks at it
	o.Proxy = func(sig syscall.Signal) { _, _ = e.Kill(context.WithoutCancel(ctx), c.ID, sig) }
	if !c.Config.Interactive {
		o.In = nil
	}
	attached := make(chan error, 1)
	go func() { attached <- console.AttachConn(ours, o) }()
	_, err = e.startUnitWith(ctx, c.ID, systemd.StdinProperties(theirs)...)
	theirs.Close() // systemd holds its own copy for the unit
	if err != nil {
		ours.Close()
		<-attached
		return 0, err
	}
	err = <-attached
	if errors.Is(err, console.ErrDetached) {
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("attaching to %q: %w", c.Name, err)
	}
	return e.waitCleanedUp(ctx, c.ID)
}

// waitCleanedUp waits for the container's end and then for its unit's
// cleanup, which holds the container's lock while it records the end and
// releases (an --rm one: removes) the container: a command that follows
// finds it done, as after an attached run.
func (e *Engine) waitCleanedUp(ctx context.Context, id string) (int, error) {
	code, err := e.Wait(ctx, id)
	if err != nil {
		return code, err
	}
	if unlock, lerr := e.lock(ctx, id); lerr == nil {
		unlock()
	}
	return code, nil
}

// withUnitCaller adds the caller that started this unit, when unit-start's
// stdin is one (a CallerPair end), to the keeper's command line and
// descriptors (its descriptor 5, after files' 3 and 4).
func withUnitCaller(args []string, files []*os.File) ([]string, []*os.File) {
	if !console.IsCaller(os.Stdin) {
		return args, files
	}
	return append(args, "--caller"), append(files, os.Stdin)
}

// unitCallerSize is the size of the terminal of the caller that started
// this unit, for a container with -t to start with; nil without one.
func unitCallerSize(c *model.Container) *specs.Box {
	if !c.Config.Tty || !console.IsCaller(os.Stdin) {
		return nil
	}
	rows, cols, ok := console.PeekSize(os.Stdin)
	if !ok {
		return nil
	}
	return &specs.Box{Height: uint(rows), Width: uint(cols)}
}
