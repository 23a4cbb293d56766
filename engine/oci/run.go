package oci

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
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

// Signal sends sig to the runtime process, which passes it on.
func (x *Running) Signal(sig syscall.Signal) error { return x.cmd.Process.Signal(sig) }

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
