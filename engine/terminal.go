package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/console"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/oci"
	"github.com/podunit/podunit/engine/systemd"
	"github.com/podunit/podunit/internal/helperbin"
)

// AttachOptions are what Attach connects to a container's terminal.
type AttachOptions = console.AttachOptions

// ErrDetached: Attach ended because the caller typed the detach keys.
var ErrDetached = console.ErrDetached

// startKeeper binds the console sockets in the bundle and starts the
// console keeper (keeperArgs) holding them, in this unit, with this
// process's stdout (the unit's journal) for the container's terminal
// output. It sets stdio's console socket for the
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
	args, files := withUnitCaller(e.keeperArgs(c.ID), []*os.File{consoleF, attachF})
	cmd := exec.Command(args[0], args[1:]...)
	cmd.ExtraFiles = files
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the console keeper of %q: %w", c.Name, err)
	}
	stdio.ConsoleSocket = console.ConsoleSocket
	return func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }, nil
}

// keeperArgs is the command line of a container's console keeper: the
// small podunit-console beside this binary or in ../libexec/podunit (as
// packages install it), else this binary's `container console-keeper`.
func (e *Engine) keeperArgs(id string) []string {
	if p, ok := helperbin.Find(e.cfg.Self, "podunit-console"); ok {
		return []string{p, id}
	}
	return e.unitArgs("console-keeper", id)
}

// Attach connects the caller to the terminal of a running container with
// -t (a unit's keeper, or the session of a podunit that runs it attached),
// until it exits (its exit code is returned) or the caller types the
// detach keys (ErrDetached; the container runs on).
func (e *Engine) Attach(ctx context.Context, ref string, o AttachOptions) (int, error) {
	c, err := e.Refresh(ctx, ref)
	if err != nil {
		return 0, err
	}
	if err := attachable(c); err != nil {
		return 0, err
	}
	o.Proxy = func(sig syscall.Signal) { _, _ = e.Kill(context.WithoutCancel(ctx), c.ID, sig) }
	if !c.Config.Tty {
		return e.attachOutput(ctx, c, o)
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
	case !c.Config.Tty && c.State.Unit == "":
		return fmt.Errorf("container %q has no terminal (created without -t) and runs attached to the command "+
			"that started it, which has its output: %w", c.Name, errdefs.ErrConflict)
	case !c.Config.Tty && c.Config.LogDriverName() == model.LogNone:
		return fmt.Errorf("container %q has no terminal (created without -t) and its log driver keeps no output: %w",
			c.Name, errdefs.ErrConflict)
	}
	return nil
}

// runTerminal runs a container with -t attached: the runtime runs it
// detached and hands the terminal's master to a keeper in this process,
// which this process (a subreaper, so the init becomes its child) waits for.
func (e *Engine) runTerminal(ctx context.Context, c *model.Container, rt *oci.Runtime, bundle string,
	stdio Stdio, sigs <-chan os.Signal, unlock func()) (int, error) {
	defer unlock() // before the end is recorded, which takes the lock again
	s, err := console.NewSession(bundle)
	if err != nil {
		return 0, err
	}
	var recorded error
	code, err := onTerminal(s, callerTerminal(stdio), sigs,
		func() (int, error) { return rt.RunTerminal(ctx, c.ID, bundle, console.ConsoleSocket) },
		func(pid int) { recorded = e.recordRunning(ctx, c.ID, pid); unlock() }, oci.WaitPid)
	return code, errors.Join(err, recorded)
}

// execTerminal is Exec with -t: as runTerminal, for a process the runtime
// starts in the running container c. With detach keys and input the
// terminal is kept by a keeper process and the process waited for by a
// waiter process (execTerminalKept), so both outlive this one when it
// leaves on the keys (ErrDetached).
func (e *Engine) execTerminal(ctx context.Context, c *model.Container, rt *oci.Runtime, o oci.ExecOptions, stdio Stdio, keys []byte, rec ExecSession) (int, error) {
	dir, err := os.MkdirTemp("", "podunit-exec-") // short: the runtime dials a full socket path
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2)
	defer signal.Stop(sigs)
	attach := callerTerminal(stdio)
	attach.DetachKeys = keys
	if len(keys) > 0 && stdio.In != nil {
		return e.execTerminalKept(c, rt, o, attach, dir, sigs, rec)
	}
	s, err := console.NewSession(dir)
	if err != nil {
		return 0, err
	}
	return onTerminal(s, attach, sigs,
		func() (int, error) {
			return rt.ExecTerminal(ctx, c.ID, o, dir, filepath.Join(dir, console.ConsoleSocket))
		},
		func(int) {}, oci.WaitPid)
}

// terminalKeeper keeps a terminal for an attached caller: a
// console.Session in this process, or an execKeeper process.
type terminalKeeper interface {
	Attach(o AttachOptions) error
	Abort()       // the runtime never handed over a terminal
	Close() error // after the process ended: wait for the keeper
}

// onTerminal attaches the caller to s while start starts a detached process
// whose terminal's master goes to s's console socket; it passes sigs on to
// the process, waits for it and returns its exit code, or ErrDetached when
// the caller typed the detach keys (s then keeps the terminal). started
// runs once the process runs; wait waits for it.
func onTerminal(s terminalKeeper, o AttachOptions, sigs <-chan os.Signal, start func() (int, error), started func(pid int),
	wait func(pid int) (int, error)) (int, error) {
	if err := oci.BecomeSubreaper(); err != nil {
		s.Abort()
		return 0, errors.Join(err, s.Close())
	}
	attached := make(chan error, 1)
	go func() { attached <- s.Attach(o) }()
	pid, err := start()
	if err != nil {
		s.Abort()
		<-attached
		_ = s.Close()
		return 0, err
	}
	started(pid)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case sig := <-sigs:
				_ = syscall.Kill(pid, sig.(syscall.Signal))
			case <-done:
				return
			}
		}
	}()
	exited := make(chan exitResult, 1)
	go func() { code, err := wait(pid); exited <- exitResult{code, err} }()
	var r exitResult
	select {
	case err := <-attached:
		if errors.Is(err, console.ErrDetached) {
			return 0, err
		}
		r = <-exited
	case r = <-exited:
		<-attached // the keeper ends the caller's stream once the terminal is gone
	}
	return r.code, errors.Join(r.err, s.Close())
}

type exitResult struct {
	code int
	err  error
}

// callerTerminal is what the caller attaches with: its stdin (when -i),
// its stdout, and the terminal among them that gives the size.
func callerTerminal(stdio Stdio) AttachOptions {
	o := AttachOptions{In: stdio.In, Out: io.Discard, Size: stdio.In}
	if stdio.Out != nil {
		o.Out = stdio.Out
	}
	if o.Size == nil || !isTerminal(o.Size) {
		o.Size = stdio.Out
	}
	return o
}

// callerSize is the size of the caller's terminal (as callerTerminal picks
// it), for the container's terminal to start with; nil without one.
func callerSize(stdio Stdio) *specs.Box {
	f := callerTerminal(stdio).Size
	if f == nil {
		return nil
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil || ws.Row == 0 || ws.Col == 0 {
		return nil
	}
	return &specs.Box{Height: uint(ws.Row), Width: uint(ws.Col)}
}

func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// attachOutput attaches to a unit container without a terminal, as Podman's
// attach does: its output from now on (read from the journal, where its unit
// sends it), the signals this process gets passed on (o.Proxy), and the
// container's exit code at its end. Such a container has no input to give.
func (e *Engine) attachOutput(ctx context.Context, c *model.Container, o AttachOptions) (int, error) {
	since := time.Now()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	var code int
	var waitErr error
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		code, waitErr = e.Wait(ctx, c.ID)
	}()
	go func() {
		for {
			select {
			case sig := <-sigs:
				if o.Proxy != nil {
					o.Proxy(sig.(syscall.Signal))
				}
			case <-ended:
				return
			}
		}
	}()
	errOut := o.Err
	if errOut == nil {
		errOut = o.Out
	}
	logs := systemd.LogOptions{Unit: c.State.Unit, Since: since}
	e.rootlessLogs(&logs, c)
	if err := systemd.FollowUntil(ctx, logs, o.Out, errOut, ended); err != nil {
		return 0, fmt.Errorf("attaching to %q: %w", c.Name, err)
	}
	<-ended
	return code, waitErr
}
