package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/oci"
)

// Stdio is the terminal or pipes an attached container uses.
type Stdio = oci.Stdio

// StartAttached runs a created or exited container in the foreground of this
// process, without systemd: one `<runtime> run` creates the container with
// this process's stdio, passes on the signals podunit gets, waits for it and
// deletes it. With -t, podunit keeps the terminal instead (runTerminal).
// It returns the container's exit code (128+n after signal n); exec
// failures come back as *oci.ExecError.
func (e *Engine) StartAttached(ctx context.Context, ref string, stdio Stdio) (int, error) {
	c, rt, bundle, unlock, err := e.prepareAttached(ctx, ref, callerSize(stdio))
	if err != nil {
		return 0, err
	}
	// The lock is held until the container is recorded running: an rm or
	// stop in between would take a container the runtime is still making.
	// A rootless pod member's namespace lock goes with it (with -t too).
	unlockCtr := unlock
	unlock = sync.OnceFunc(func() { unlockCtr(); e.releasePodNS() })
	defer unlock()
	releaseOwner, err := holdOwner(bundle) // until the end is recorded: see attached_owner.go
	if err != nil {
		unlock()
		return e.failAttached(c.ID, err)
	}
	defer releaseOwner() // runs after the returns' endAttached
	defer dropAttachedCgroup(c.ID)
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
		syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH)
	defer signal.Stop(sigs)
	if c.Config.Tty {
		code, err := e.runTerminal(ctx, c, rt, bundle, stdio, sigs, unlock)
		return e.endAttached(c, code, err)
	}
	running, err := rt.Run(ctx, c.ID, bundle, stdio)
	if err != nil {
		unlock()
		return e.failAttached(c.ID, err)
	}
	exited := make(chan struct{})
	var code int
	var waitErr error
	go func() { code, waitErr = running.Wait(); close(exited) }()
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = running.Signal(s.(syscall.Signal))
			case <-exited:
				return
			}
		}
	}()
	pid, err := running.Pid(exited)
	if err == nil {
		err = e.recordRunning(ctx, c.ID, pid)
	}
	unlock()
	<-exited
	return e.endAttached(c, code, errors.Join(waitErr, err))
}

// endAttached records how a container run attached ended: with code, or
// with a failure to start or wait for it.
func (e *Engine) endAttached(c *model.Container, code int, err error) (int, error) {
	if err == nil {
		err = e.finish(c.ID, code, "")
	} else {
		code, err = e.failAttached(c.ID, err)
	}
	if errors.Is(err, errRemovedMeanwhile) {
		// rm -f took the container while it ran: the runtime's own
		// complaint (its state is gone) is no cause to show
		return 137, fmt.Errorf("container %q was removed by another command while it ran: %w", c.Name, errdefs.ErrConflict)
	}
	return code, err
}

// errRemovedMeanwhile: the record of a container that ran attached was gone
// when its end was to be recorded.
var errRemovedMeanwhile = errors.New("removed while it ran")

// failAttached records a failed attached run and returns its exit code:
// 126 or 127 for an exec failure, else 125.
func (e *Engine) failAttached(id string, cause error) (int, error) {
	code := 125
	if x, ok := oci.IsExecError(cause); ok {
		code = x.Code
	}
	if err := e.finish(id, code, cause.Error()); err != nil {
		return code, errors.Join(cause, err)
	}
	return code, cause
}

// prepareAttached takes the lock, checks the container may start and writes
// its bundle (with console as its terminal's size, when it has one). It
// returns with the lock held, for the caller to drop.
func (e *Engine) prepareAttached(ctx context.Context, ref string, console *specs.Box) (*model.Container, *oci.Runtime, string, func(), error) {
	c, err := e.store.Container(ctx, ref)
	if err != nil {
		return nil, nil, "", nil, err
	}
	unlock, err := e.lock(ctx, c.ID)
	if err != nil {
		return nil, nil, "", nil, err
	}
	if c, err = e.Refresh(ctx, c.ID); err != nil {
		unlock()
		return nil, nil, "", nil, err
	}
	if c.State.Status == model.Running || c.State.Status == model.Stopping {
		unlock()
		return nil, nil, "", nil, fmt.Errorf("container %q is already running: %w", c.Name, errdefs.ErrConflict)
	}
	if err := e.rootlessPodHere(ctx, c, true); err != nil {
		e.releasePodNS()
		unlock()
		return nil, nil, "", nil, err
	}
	cgroup, err := e.attachedCgroup(ctx, c.ID)
	if err != nil {
		unlock()
		return nil, nil, "", nil, err
	}
	bundle, rt, err := e.prepare(ctx, c, cgroup, e.storeSecrets, console)
	if err != nil {
		_ = e.release(context.WithoutCancel(ctx), c)
		e.recordFailure(c.ID, err)
		unlock()
		return nil, nil, "", nil, err
	}
	return c, rt, bundle, unlock, nil
}

// recordRunning notes the container's init pid once the runtime wrote it.
func (e *Engine) recordRunning(ctx context.Context, id string, pid int) error {
	c, err := e.store.UpdateContainer(ctx, id, func(c *model.Container) error {
		if err := c.State.Transition(model.Running); err != nil {
			return err
		}
		c.State.Pid, c.State.Unit, c.State.Error = pid, "", ""
		c.State.StartedAt, c.State.ExitCode = time.Now().UTC(), 0
		return nil
	})
	if err == nil {
		e.containerEvent(c, "start")
	}
	return err
}

// finish records that the container ended with code, releases what prepare
// set up and removes an --rm container.
func (e *Engine) finish(id string, code int, msg string) error {
	ctx := context.Background()
	unlock, err := e.lock(ctx, id)
	if err != nil {
		return err
	}
	defer unlock()
	c, err := e.store.UpdateContainer(ctx, id, func(c *model.Container) error {
		c.State.Status, c.State.Pid = model.Exited, 0
		c.State.ExitCode, c.State.FinishedAt, c.State.Error = code, time.Now().UTC(), msg
		return nil
	})
	if errdefs.IsNotFound(err) {
		return fmt.Errorf("%w: %w", errRemovedMeanwhile, err)
	}
	if err != nil {
		return err
	}
	e.containerEvent(c, "died")
	if c.Config.Remove { // the removal releases what prepare set up
		return e.removeWithVolumes(ctx, c)
	}
	return e.release(ctx, c)
}

// recordFailure notes why a start failed, for ps and inspect.
func (e *Engine) recordFailure(id string, cause error) {
	code := 125
	if x, ok := oci.IsExecError(cause); ok {
		code = x.Code
	}
	_, _ = e.store.UpdateContainer(context.Background(), id, func(c *model.Container) error {
		c.State.Status, c.State.Pid = model.Exited, 0
		c.State.ExitCode, c.State.Error, c.State.FinishedAt = code, cause.Error(), time.Now().UTC()
		return nil
	})
}
