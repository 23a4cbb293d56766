package oci

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/internal/pidfile"
)

// The runtimes' own console proxies differ (crun 1.8 neither sets nor
// follows the window size), so podunit keeps every terminal itself: the
// runtime runs the process detached and hands the pty's master to a
// console socket, and the caller, a subreaper, waits for the process.

// BecomeSubreaper makes this process the one that inherits the processes
// a detached runtime leaves (prctl PR_SET_CHILD_SUBREAPER), so WaitPid can
// wait for them.
func BecomeSubreaper() error {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("becoming a subreaper: %w", err)
	}
	return nil
}

// WaitPid waits for a process this one inherits and returns its exit
// code (128+n after signal n). It becomes a child only once the runtime
// process that forked it has exited, which with crun can be a moment after
// `crun run --detach` itself returned (seen under systemd here).
func WaitPid(pid int) (int, error) {
	var ws unix.WaitStatus
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if errors.Is(err, unix.ECHILD) && unix.Kill(pid, 0) == nil && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("waiting for process %d: %w", pid, err)
		}
		break
	}
	if ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	return ws.ExitStatus(), nil
}

// RunTerminal runs the bundle's container (whose spec asks for a
// terminal) detached, with the master sent to consoleSocket (relative to
// the bundle), and returns its init's pid.
func (r *Runtime) RunTerminal(ctx context.Context, id, bundle, consoleSocket string) (int, error) {
	pidFile := bundlePidFile(bundle)
	logPath := filepath.Join(bundle, "runtime.log")
	_ = os.Remove(pidFile)
	_ = os.Remove(logPath)
	cmd := r.command(ctx, logPath, "run", "--detach", "--bundle", bundle, "--pid-file", pidFile,
		"--console-socket", consoleSocket, id)
	cmd.Dir = bundle
	if err := cmd.Run(); err != nil {
		return 0, classify(r.Name, "run", logPath, err)
	}
	r.KeepSeccomp(id, bundle)
	return pidfile.Read(pidFile)
}

// ExecTerminal starts a process with a terminal in the running container
// id, detached, with the master sent to consoleSocket (a full path: runc
// exec does not resolve it in its working directory) and the pid file in
// dir, and returns its pid.
func (r *Runtime) ExecTerminal(ctx context.Context, id string, o ExecOptions, dir, consoleSocket string) (int, error) {
	logPath := filepath.Join(o.LogDir, "exec.log")
	pidFile := filepath.Join(dir, "exec.pid")
	_ = os.Remove(logPath)
	o.Tty = true
	args := append(execArgs(o), "--detach", "--console-socket", consoleSocket, "--pid-file", pidFile, id)
	cmd := r.command(ctx, logPath, append(args, o.Args...)...)
	if err := cmd.Run(); err != nil {
		msg := lastLogMessage(logPath)
		if msg == "" {
			msg = err.Error()
		}
		return 0, r.execFailure(msg, logPath, err)
	}
	return pidfile.Read(pidFile)
}
