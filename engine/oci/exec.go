package oci

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// ExecOptions describe a process to run in a running container.
type ExecOptions struct {
	Args       []string
	Env        []string // KEY=VALUE, added to the container's
	WorkingDir string
	User       string // "uid[:gid]", resolved by the caller
	Tty        bool
	LogDir     string // where the runtime's diagnostics go (the bundle)
	// KillTree: the end of ctx kills the runtime and every process it
	// started (the exec'd process and its children in the container), so
	// that nothing of a cut-off exec (a health check past its timeout)
	// keeps running.
	KillTree bool
}

// Exec runs a process in the running container id with the given stdio and
// returns its exit code; a failure to invoke it is an *ExecError.
func (r *Runtime) Exec(ctx context.Context, id string, o ExecOptions, stdio Stdio) (int, error) {
	logPath := filepath.Join(o.LogDir, "exec.log")
	_ = os.Remove(logPath)
	cmd := r.command(ctx, logPath, append(execArgs(o), append([]string{id}, o.Args...)...)...)
	if o.KillTree {
		cmd.Cancel = func() error { return killTree(cmd.Process) }
	}
	in, out, errf, closers, err := openStdio(stdio)
	if err != nil {
		return 0, err
	}
	defer closeAll(closers)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = in, out, errf
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if msg := lastLogMessage(logPath); msg != "" {
			return 0, r.execFailure(msg, logPath, err)
		}
		return exit.ExitCode(), nil
	}
	return 0, err
}

// execFailure is the error for the runtime's own complaint msg about an
// exec: an *ExecError when the command could not be invoked.
func (r *Runtime) execFailure(msg, logPath string, err error) error {
	if code := execCode(msg); code != 0 {
		return &ExecError{Code: code, Msg: r.Name + ": " + msg}
	}
	return classify(r.Name, "exec", logPath, err)
}

// execArgs are the runtime's exec verb and the options of o.
func execArgs(o ExecOptions) []string {
	args := []string{"exec"}
	if o.WorkingDir != "" {
		args = append(args, "--cwd", o.WorkingDir)
	}
	for _, e := range o.Env {
		args = append(args, "--env", e)
	}
	if o.User != "" {
		args = append(args, "--user", o.User)
	}
	if o.Tty {
		args = append(args, "--tty")
	}
	return args
}

// ExecDetachedCommand is the runtime's command line (path first) and
// environment that start a process in the running container id and leave
// it running: its pid goes to pidFile, and with o.Tty its terminal's master
// to consoleSocket (a full path). An exec waiter runs it (console.WaitExec);
// a failure is read from o.LogDir's exec.log (ExecFailure).
func (r *Runtime) ExecDetachedCommand(id string, o ExecOptions, pidFile, consoleSocket string) (argv, env []string) {
	logPath := filepath.Join(o.LogDir, "exec.log")
	_ = os.Remove(logPath)
	args := append(execArgs(o), "--detach", "--pid-file", pidFile)
	if o.Tty {
		args = append(args, "--console-socket", consoleSocket)
	}
	cmd := r.command(context.Background(), logPath, append(append(args, id), o.Args...)...)
	return append([]string{r.Path}, cmd.Args[1:]...), cmd.Env // another process runs it: not the sealed copy
}

// ExecFailure is the error for a detached exec whose runtime exited with
// code: the runtime's complaint from o.LogDir, an *ExecError when the
// command could not be invoked.
func (r *Runtime) ExecFailure(o ExecOptions, code int) error {
	logPath := filepath.Join(o.LogDir, "exec.log")
	err := fmt.Errorf("exit status %d", code)
	msg := lastLogMessage(logPath)
	if msg == "" {
		msg = err.Error()
	}
	return r.execFailure(msg, logPath, err)
}
