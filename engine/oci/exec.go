package oci

import (
	"context"
	"errors"
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
}

// Exec runs a process in the running container id with the given stdio and
// returns its exit code; a failure to invoke it is an *ExecError.
func (r *Runtime) Exec(ctx context.Context, id string, o ExecOptions, stdio Stdio) (int, error) {
	logPath := filepath.Join(o.LogDir, "exec.log")
	_ = os.Remove(logPath)
	cmd := r.command(ctx, logPath, append(execArgs(o), append([]string{id}, o.Args...)...)...)
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
