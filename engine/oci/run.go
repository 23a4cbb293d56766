package oci

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
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
	execd   atomic.Bool // the init has exec'd the container's program (Signal)
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
// execWait gets the signal anyway (a run interrupted while it is made). Once the
// program runs, later signals (a burst of SIGWINCH) go on without a look.
func (x *Running) Signal(sig syscall.Signal) error {
	if !x.execd.Load() {
		pid := 0
		if pollUntil(execWait, func() bool { pid, _ = pidfile.Read(bundlePidFile(x.bundle)); return pid > 0 }) {
			code := runtimeCodeOf(x.cmd.Process.Pid)
			x.execd.Store(pollUntil(execWait, func() bool { return !code.runs(pid) }))
		}
	}
	return x.cmd.Process.Signal(sig)
}

// execWait bounds how long a signal waits for the pid file, and then for the init's exec.
const execWait = time.Second

// pollUntil asks ok every millisecond until it says yes or limit has passed,
// and returns its last answer.
func pollUntil(limit time.Duration, ok func() bool) bool {
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
	return true
}

// runtimeCode tells a container init that still runs the runtime's code from one
// that has exec'd the container's program: runc's init names itself
// "runc:[2:INIT]" (a re-executed copy of runc), crun's is a clone of the runtime
// process, the same executable (exe, read once).
type runtimeCode struct{ exe os.FileInfo }

// runtimeCodeOf is the runtimeCode of the runtime process runtimePid.
func runtimeCodeOf(runtimePid int) runtimeCode {
	exe, _ := os.Stat(filepath.Join("/proc", strconv.Itoa(runtimePid), "exe"))
	return runtimeCode{exe: exe}
}

// runs reports whether process pid runs the runtime's code. A process that is
// gone does not (nothing to wait for).
func (r runtimeCode) runs(pid int) bool {
	comm, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm"))
	if err != nil {
		return false
	}
	if strings.HasPrefix(string(comm), "runc:[") {
		return true
	}
	init, err := os.Stat(filepath.Join("/proc", strconv.Itoa(pid), "exe"))
	return err == nil && r.exe != nil && os.SameFile(init, r.exe)
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
