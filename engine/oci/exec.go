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
	args = append(append(args, id), o.Args...)
	cmd := r.command(ctx, logPath, args...)
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
			if code := execCode(msg); code != 0 {
				return code, &ExecError{Code: code, Msg: r.Name + ": " + msg}
			}
			return 0, classify(r.Name, "exec", logPath, err)
		}
		return exit.ExitCode(), nil
	}
	if err != nil {
		return 0, err
	}
	return 0, nil
}
