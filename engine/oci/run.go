package oci

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/podunit/podunit/internal/pidfile"
)

// Running is a container started by Run: the runtime process that creates
// it, waits for it and deletes it (`crun run`, `runc run`).
type Running struct {
	cmd     *exec.Cmd
	rt      *Runtime
	id      string
	bundle  string
	logPath string
	closers []*os.File
}

// Run starts `<runtime> run` for the bundle in the background: one runtime
// process instead of create, start and delete. The runtime forwards the
// signals it gets to the container and exits with the container's code.
func (r *Runtime) Run(ctx context.Context, id, bundle string, stdio Stdio) (*Running, error) {
	pidFile := bundlePidFile(bundle)
	logPath := filepath.Join(bundle, "runtime.log")
	_ = os.Remove(pidFile)
	_ = os.Remove(logPath)
	cmd := r.command(ctx, logPath, "run", "--bundle", bundle, "--pid-file", pidFile, id)
	cmd.Dir = bundle
	in, out, errf, closers, err := openStdio(stdio)
	if err != nil {
		return nil, err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = in, out, errf
	if err := cmd.Start(); err != nil {
		closeAll(closers)
		return nil, err
	}
	return &Running{cmd: cmd, rt: r, id: id, bundle: bundle, logPath: logPath, closers: closers}, nil
}

// Pid waits until the runtime has written the container's pid, or has
// exited without doing so (then the error is the runtime's).
func (x *Running) Pid(exited <-chan struct{}) (int, error) {
	pidFile := bundlePidFile(x.bundle)
	for delay := 100 * time.Microsecond; ; delay = min(2*delay, 5*time.Millisecond) {
		if pid, err := pidfile.Read(pidFile); err == nil {
			x.rt.KeepSeccomp(x.id, x.bundle)
			return pid, nil
		}
		select {
		case <-exited:
			if pid, err := pidfile.Read(pidFile); err == nil {
				return pid, nil
			}
			return 0, classify(x.rt.Name, "run", x.logPath, errors.New("the runtime exited"))
		case <-time.After(delay):
		}
	}
}

// Signal sends sig to the runtime process, which passes it on to the container's
// init. It first waits (up to execWait each) until the runtime has made the container
// (its pid file) and the init has exec'd the container's program: before that the
// init runs the runtime's own code, where runc's init (Go, the PID namespace's init)
// exits 2 of a SIGINT and crun's drops it. runc writes its pid file only after it has
// released the init, and passes on a signal it got meanwhile at once, so the wait
// must come before the signal reaches the runtime. A runtime that makes nothing within
// execWait gets the signal anyway (a run interrupted while it is made).
func (x *Running) Signal(sig syscall.Signal) error {
	deadline := time.Now().Add(execWait)
	for {
		if pid, err := pidfile.Read(bundlePidFile(x.bundle)); err == nil {
			waitExec(pid, x.cmd.Process.Pid, execWait)
			break
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	return x.cmd.Process.Signal(sig)
}

// execWait bounds how long a signal waits for the init's exec.
const execWait = time.Second

// waitExec waits until process pid no longer runs the runtime's code (inRuntime),
// polling, for at most limit.
func waitExec(pid, runtimePid int, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for inRuntime(pid, runtimePid) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
}

// inRuntime reports whether the container init pid still runs the runtime's code:
// runc's init names itself "runc:[2:INIT]" (a re-executed copy of runc), crun's is
// a clone of the runtime process, the same executable. A process that is gone is
// not (nothing to wait for).
func inRuntime(pid, runtimePid int) bool {
	comm, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm"))
	if err != nil {
		return false
	}
	if strings.HasPrefix(string(comm), "runc:[") {
		return true
	}
	init, err := os.Stat(filepath.Join("/proc", strconv.Itoa(pid), "exe"))
	if err != nil {
		return false
	}
	rt, err := os.Stat(filepath.Join("/proc", strconv.Itoa(runtimePid), "exe"))
	return err == nil && os.SameFile(init, rt)
}

// Wait waits for the runtime to exit and returns the container's exit
// code. A failure of the runtime itself (its log holds an error) is an
// error, an *ExecError when the command could not be invoked.
func (x *Running) Wait() (int, error) {
	err := x.cmd.Wait()
	closeAll(x.closers)
	if msg := lastLogMessage(x.logPath); msg != "" {
		return 0, classify(x.rt.Name, "run", x.logPath, errors.New(msg))
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return exit.ExitCode(), nil
	}
	return 0, err
}
