package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

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
// failures come back as *oci.ExecError, and a signal that reached podunit
// before the container started as *InterruptedError.
func (e *Engine) StartAttached(ctx context.Context, ref string, stdio Stdio) (int, error) {
	// The signals to pass on are taken from here on: one that comes while
	// the container is prepared ends the run cleanly (earlySignal) rather
	// than killing podunit with the container half made. Registering them
	// runs beside the prepare: os/signal's first Notify waits on the
	// runtime's signal thread once per signal, 0.3 to 1.7 ms.
	sigs := make(chan os.Signal, 8)
	relaying := make(chan struct{})
	go func() {
		signal.Notify(sigs, relayedSignals...)
		close(relaying)
	}()
	c, rt, bundle, unlock, err := e.prepareAttached(ctx, ref, callerSize(stdio))
	<-relaying
	defer signal.Stop(sigs)
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
	if s, ok := earlySignal(sigs); ok {
		unlock()
		return e.failAttached(c.ID, &InterruptedError{Name: c.Name, Signal: s})
	}
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
	var passed atomic.Int32 // the first signal passed on that ends a process by default
	go func() {
		for {
			select {
			case s := <-sigs:
				n := s.(syscall.Signal)
				if endsByDefault(n) {
					passed.CompareAndSwap(0, int32(n))
				}
				_ = running.Signal(n)
			case <-exited:
				return
			}
		}
	}()
	pid, err := running.Pid(exited)
	if n := passed.Load(); err != nil && n != 0 {
		// the signal reached the runtime before it had made the container
		// (and set up its own relay), and ended it
		err = &InterruptedError{Name: c.Name, Signal: syscall.Signal(n)}
	}
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

// relayedSignals are the signals an attached run passes on to its container.
var relayedSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
	syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH}

// InterruptedError: a signal that ends a process by default (all relayed
// ones but SIGWINCH) reached the podunit of an attached run before its
// container started. The run ends there, as it would have with the signal
// killing podunit, but with what it prepared released and an --rm
// container removed; the exit code is the shell's for that signal.
type InterruptedError struct {
	Name   string
	Signal syscall.Signal
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("container %q: interrupted by %s before it started", e.Name, unix.SignalName(e.Signal))
}

// ExitCode is 128 + the signal's number.
func (e *InterruptedError) ExitCode() int { return 128 + int(e.Signal) }

// endsByDefault: a relayed signal whose default action ends a process, all
// but SIGWINCH.
func endsByDefault(n syscall.Signal) bool { return n != syscall.SIGWINCH }

// ExitCodeOf is the exit code of an attached run that failed with err,
// Podman's: 126 or 127 for an exec failure, 128+n for a signal that came
// before the start (InterruptedError), else 125.
func ExitCodeOf(err error) int {
	if x, ok := oci.IsExecError(err); ok {
		return x.Code
	}
	var intr *InterruptedError
	if errors.As(err, &intr) {
		return intr.ExitCode()
	}
	return 125
}

// earlySignal takes the signals that came before the container started off
// sigs and returns the first that ends a process by default; a SIGWINCH is
// dropped (the terminal's size is read when the container starts).
func earlySignal(sigs <-chan os.Signal) (syscall.Signal, bool) {
	for {
		select {
		case s := <-sigs:
			if n, ok := s.(syscall.Signal); ok && endsByDefault(n) {
				return n, true
			}
		default:
			return 0, false
		}
	}
}

// errRemovedMeanwhile: the record of a container that ran attached was gone
// when its end was to be recorded.
var errRemovedMeanwhile = errors.New("removed while it ran")

// failAttached records a failed attached run and returns its exit code
// (ExitCodeOf).
func (e *Engine) failAttached(id string, cause error) (int, error) {
	code := ExitCodeOf(cause)
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
	// the lock waits for another command's direct start under way: a bundle
	// made beside it would be the same runtime container's
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
	if err := e.followsHere(ctx, c); err != nil {
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
func (e *Engine) recordFailure(id string, cause error) { recordFailureIn(e.store, id, cause) }
