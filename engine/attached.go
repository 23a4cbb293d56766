package engine

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/oci"
)

// Stdio is the terminal or pipes an attached container uses.
type Stdio = oci.Stdio

// StartAttached runs a created or exited container in the foreground of this
// process, without systemd: podunit becomes the subreaper of the container's
// init, forwards signals to it, waits for it and returns its exit code
// (128+n after signal n). Exec failures come back as *oci.ExecError.
func (e *Engine) StartAttached(ctx context.Context, ref string, stdio Stdio) (int, error) {
	c, rt, bundle, err := e.createAttached(ctx, ref, stdio)
	if err != nil {
		return 0, err
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
		syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH)
	defer signal.Stop(sigs)
	if err := rt.StartExec(ctx, c.ID, bundle); err != nil {
		code := 125
		if x, ok := oci.IsExecError(err); ok {
			code = x.Code
		}
		_ = unix.Kill(c.State.Pid, unix.SIGKILL)
		reap(c.State.Pid)
		e.finish(c.ID, code, err.Error())
		return code, err
	}
	done := make(chan struct{})
	go forwardSignals(sigs, c.State.Pid, done)
	code := reap(c.State.Pid)
	close(done)
	return code, e.finish(c.ID, code, "")
}

// createAttached takes the container from created/exited to a created
// runtime container whose init is this process's child (by subreaping).
func (e *Engine) createAttached(ctx context.Context, ref string, stdio Stdio) (*model.Container, *oci.Runtime, string, error) {
	c, err := e.store.Container(ctx, ref)
	if err != nil {
		return nil, nil, "", err
	}
	unlock, err := e.lock(ctx, c.ID)
	if err != nil {
		return nil, nil, "", err
	}
	defer unlock()
	if c, err = e.Refresh(ctx, c.ID); err != nil {
		return nil, nil, "", err
	}
	if c.State.Status == model.Running || c.State.Status == model.Stopping {
		return nil, nil, "", fmt.Errorf("container %q is already running: %w", c.Name, errdefs.ErrConflict)
	}
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return nil, nil, "", fmt.Errorf("becoming a subreaper: %w", err)
	}
	bundle, rt, err := e.prepare(ctx, c, attachedCgroup(c.ID))
	if err != nil {
		return nil, nil, "", err
	}
	pid, err := rt.Create(ctx, c.ID, bundle, stdio)
	if err != nil {
		_ = e.release(context.WithoutCancel(ctx), c)
		e.recordFailure(c.ID, err)
		return nil, nil, "", err
	}
	c, err = e.store.UpdateContainer(ctx, c.ID, func(c *model.Container) error {
		if err := c.State.Transition(model.Running); err != nil {
			return err
		}
		c.State.Pid, c.State.Unit, c.State.Error = pid, "", ""
		c.State.StartedAt, c.State.ExitCode = time.Now().UTC(), 0
		return nil
	})
	return c, rt, bundle, err
}

// attachedCgroup is where a container run in the foreground lives when no
// unit owns it (a cgroupfs path, as Podman's cgroupfs manager uses).
func attachedCgroup(id string) string {
	return "/podunit/" + id
}

// reap waits for pid, a child of this process (directly or by subreaping),
// and returns its exit code the shell's way.
func reap(pid int) int {
	for {
		var ws unix.WaitStatus
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 125
		}
		return exitCode(ws)
	}
}

func exitCode(ws unix.WaitStatus) int {
	switch {
	case ws.Exited():
		return ws.ExitStatus()
	case ws.Signaled():
		return 128 + int(ws.Signal())
	}
	return 125
}

func forwardSignals(sigs <-chan os.Signal, pid int, done <-chan struct{}) {
	for {
		select {
		case s := <-sigs:
			_ = unix.Kill(pid, s.(syscall.Signal))
		case <-done:
			return
		}
	}
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
	if err != nil {
		return err
	}
	if err := e.release(ctx, c); err != nil {
		return err
	}
	if c.Config.Remove {
		return e.removeLocked(ctx, c)
	}
	return nil
}

// recordFailure notes why a start failed, for ps and inspect.
func (e *Engine) recordFailure(id string, cause error) {
	code := 125
	if x, ok := oci.IsExecError(cause); ok {
		code = x.Code
	}
	_, _ = e.store.UpdateContainer(context.Background(), id, func(c *model.Container) error {
		c.State.Status, c.State.Pid = model.Exited, 0
		c.State.ExitCode, c.State.Error, c.State.FinishedAt = code, cause.Error(), time.Now().UTC()
		return nil
	})
}
