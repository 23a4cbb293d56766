package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/podunit/podunit/engine/console"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/oci"
)

// ExecDetached starts a process in a running container and returns the ID
// of its exec session once it runs (exec -d). Its waiter (execWaiter)
// records its exit code in the session; with -t a console keeper holds its
// terminal (output discarded), as after exec -it's detach keys.
func (e *Engine) ExecDetached(ctx context.Context, ref string, o ExecOptions) (string, error) {
	c, rt, opts, err := e.execPrepare(ctx, ref, o)
	if err != nil {
		return "", err
	}
	sess, dir, err := e.newExecSession(c, sessionOf(o))
	if err != nil {
		return "", err
	}
	consoleSocket, keeper := "", (*execKeeper)(nil)
	if o.Tty {
		tmp, err := os.MkdirTemp("", "podunit-exec-") // short: the runtime dials a full socket path
		if err != nil {
			os.RemoveAll(dir)
			return "", err
		}
		defer os.RemoveAll(tmp)
		if keeper, err = e.startExecKeeper(c.ID, tmp); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
		consoleSocket = filepath.Join(tmp, console.ConsoleSocket)
	}
	waiter, _, err := e.startExecWaiter(c, rt, opts, dir, consoleSocket)
	if keeper != nil {
		keeper.Handed.Close() // no caller: the keeper keeps the terminal alone
		if err != nil {
			keeper.Abort()
		}
		_ = keeper.cmd.Process.Release()
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	_ = waiter.Process.Release()
	return sess.ID, nil
}

// sessionOf is the record of an exec with options o.
func sessionOf(o ExecOptions) ExecSession {
	keys := "<none>"
	if len(o.DetachKeys) > 0 {
		keys = o.DetachKeysSpec
	}
	return ExecSession{Args: o.Args, Tty: o.Tty, User: o.User, WorkingDir: o.WorkingDir, DetachKeys: keys, Stdin: o.Stdin}
}

// startExecWaiter starts the waiter of an exec session in dir (podunit-console
// --wait, in a session of its own, without stdio), which runs the runtime's
// detached exec and waits for the process; it returns the waiter and the
// process's pid once it runs, or the runtime's failure.
func (e *Engine) startExecWaiter(c *model.Container, rt *oci.Runtime, opts oci.ExecOptions, dir, consoleSocket string) (*exec.Cmd, int, error) {
	argv, env := rt.ExecDetachedCommand(c.ID, opts, filepath.Join(dir, console.ExecPidFile), consoleSocket)
	args := append(append(e.keeperArgs(c.ID), "--wait", dir, "--"), argv...)
	r, w, err := os.Pipe()
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = env
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	err = cmd.Start()
	w.Close()
	if err != nil {
		return nil, 0, fmt.Errorf("starting the exec waiter in %q: %w", c.Name, err)
	}
	pid, code, err := console.ReadExecReport(r)
	switch {
	case err != nil:
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, 0, fmt.Errorf("exec in %q: %w", c.Name, err)
	case pid == 0:
		_ = cmd.Wait()
		return nil, 0, rt.ExecFailure(opts, code)
	}
	return cmd, pid, nil
}

// waitExecWaiter waits for a waiter this process started and returns the
// exit code it recorded in the session's directory.
func waitExecWaiter(cmd *exec.Cmd, dir string) (int, error) {
	_ = cmd.Wait()
	code, err := readExitFile(dir)
	if err != nil {
		return 0, fmt.Errorf("the exec's waiter recorded no exit code: %w", err)
	}
	return code, nil
}

// execTerminalKept is exec -it with detach keys: a keeper process holds
// the terminal and a waiter process waits for the process, so that both
// outlive this one when the caller detaches (ErrDetached; the session
// keeps the exit code). Otherwise the session goes once the code is read.
func (e *Engine) execTerminalKept(c *model.Container, rt *oci.Runtime, o oci.ExecOptions, attach AttachOptions,
	tmp string, sigs <-chan os.Signal, rec ExecSession) (int, error) {
	_, dir, err := e.newExecSession(c, rec)
	if err != nil {
		return 0, err
	}
	keeper, err := e.startExecKeeper(c.ID, tmp)
	if err != nil {
		os.RemoveAll(dir)
		return 0, err
	}
	var waiter *exec.Cmd
	code, err := onTerminal(keeper, attach, sigs,
		func() (pid int, err error) {
			waiter, pid, err = e.startExecWaiter(c, rt, o, dir, filepath.Join(tmp, console.ConsoleSocket))
			return pid, err
		},
		func(int) {},
		func(int) (int, error) { return waitExecWaiter(waiter, dir) })
	if !errors.Is(err, ErrDetached) {
		os.RemoveAll(dir)
	}
	return code, err
}
