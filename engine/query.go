package engine

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/oci"
	"github.com/podunit/podunit/engine/spec"
	"github.com/podunit/podunit/engine/systemd"
)

// Container returns one container, its status brought up to date (and
// "paused" while frozen).
func (e *Engine) Container(ctx context.Context, ref string) (*model.Container, error) {
	c, err := e.container(ctx, ref)
	return withPaused(c), err
}

// Containers lists every container, statuses brought up to date.
func (e *Engine) Containers(ctx context.Context) ([]*model.Container, error) {
	all, err := e.store.Containers(ctx)
	if err != nil {
		return nil, err
	}
	for i, c := range all {
		all[i] = e.current(ctx, c)
	}
	return all, nil
}

// EachContainer hands fn every container as Containers lists it, in no set
// order; with statuses, only those whose recorded status is one of them
// (model.Running for the running and paused ones: brought up to date, some
// may be exited by then). c is valid only until fn returns; fn may keep a
// copy of *c (state.Store.EachContainer): a listing that keeps a row per
// container does not also hold every decoded record.
func (e *Engine) EachContainer(ctx context.Context, statuses []model.Status, fn func(c *model.Container) error) error {
	var running []*model.Container // brought up to date after the scan, which holds the store
	err := e.store.EachContainer(ctx, statuses, func(c *model.Container) error {
		if c.State.Status != model.Running {
			return fn(c)
		}
		kept := *c
		running = append(running, &kept)
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range running {
		if err := fn(e.current(ctx, c)); err != nil {
			return err
		}
	}
	return nil
}

// current brings a listed container's status up to date (refreshIfGone),
// a frozen one "paused".
func (e *Engine) current(ctx context.Context, c *model.Container) *model.Container {
	if c.State.Status != model.Running {
		return c
	}
	fresh, err := e.refreshIfGone(ctx, c)
	if fresh != nil {
		c = fresh // even when it could not be recorded: never show a stale "Up"
	}
	if err != nil && !errdefs.IsNotFound(err) && e.cfg.Warn != nil {
		e.cfg.Warn(err)
	}
	return withPaused(c)
}

// refreshIfGone is a listed record brought up to date: one recorded running
// whose init is gone is refreshed (Refresh: its end recorded, and its
// answer returned), any other is c as listed (a live init: nothing to read
// again).
func (e *Engine) refreshIfGone(ctx context.Context, c *model.Container) (*model.Container, error) {
	if c.State.Status != model.Running || alive(c.State.Pid) {
		return c, nil
	}
	return e.Refresh(ctx, c.ID)
}

// LogOptions are `podunit logs` flags.
type LogOptions struct {
	Follow     bool
	Tail       int // <0: all
	Since      time.Time
	Until      time.Time // zero: to the end
	Timestamps bool      // each line after its time, as logs --timestamps
}

// Logs writes a container's output, which lives in the journal under its unit.
func (e *Engine) Logs(ctx context.Context, ref string, o LogOptions, stdout, stderr io.Writer) error {
	c, err := e.store.Container(ctx, ref)
	if err != nil {
		return err
	}
	if err := checkLogsReadable(c); err != nil {
		return err
	}
	if !systemd.Available() {
		return fmt.Errorf("logs of container %q: the journal is not available here (systemd is not running): %w",
			c.Name, errdefs.ErrUnavailable)
	}
	unit := c.State.Unit
	if unit == "" {
		unit = names.ContainerUnit(c.Name, c.ID)
	}
	// The unit's name outlives the container: earlier containers of the same
	// name logged under it too, so read only what came after this one's create.
	since := o.Since
	if since.Before(c.Created) {
		since = c.Created
	}
	lo := systemd.LogOptions{Unit: unit, Follow: o.Follow, Tail: o.Tail, Since: since,
		Until: o.Until, Timestamps: o.Timestamps}
	e.rootlessLogs(&lo, c)
	return systemd.Logs(ctx, lo, stdout, stderr)
}

// ExecOptions are `podunit exec` flags.
type ExecOptions struct {
	Args       []string
	Env        []string
	WorkingDir string
	User       string
	Tty        bool
	DetachKeys []byte // with Tty and input: the sequence that detaches (Exec returns ErrDetached)
	Stdin      bool   // -i: recorded for a detached session (its input is /dev/null)
	// DetachKeysSpec is --detach-keys as typed, for the session's record.
	DetachKeysSpec string
}

// Exec runs a process in a running container and returns its exit code.
func (e *Engine) Exec(ctx context.Context, ref string, o ExecOptions, stdio Stdio) (int, error) {
	c, rt, opts, err := e.execPrepare(ctx, ref, o)
	if err != nil {
		return 0, err
	}
	if o.Tty {
		return e.execTerminal(ctx, c, rt, opts, stdio, o.DetachKeys, sessionOf(o))
	}
	return rt.Exec(ctx, c.ID, opts, stdio)
}

// execPrepare finds the running container of an exec and its runtime, and
// turns o into the runtime's options (the user resolved in the container).
func (e *Engine) execPrepare(ctx context.Context, ref string, o ExecOptions) (*model.Container, *oci.Runtime, oci.ExecOptions, error) {
	c, err := e.container(ctx, ref)
	if err != nil {
		return nil, nil, oci.ExecOptions{}, err
	}
	if c.State.Status != model.Running {
		return nil, nil, oci.ExecOptions{}, fmt.Errorf("can only exec in a running container: %q is %s: %w", c.Name, c.State.Status, errdefs.ErrConflict)
	}
	if err := e.rootlessHere(c); err != nil {
		return nil, nil, oci.ExecOptions{}, err
	}
	rt, err := e.runtimeFor(c.Config.Runtime)
	if err != nil {
		return nil, nil, oci.ExecOptions{}, err
	}
	user := o.User
	if user == "" {
		user = c.Config.User
	}
	if user != "" {
		u, err := spec.ResolveUser("/proc/"+strconv.Itoa(c.State.Pid)+"/root", user)
		if err != nil {
			return nil, nil, oci.ExecOptions{}, err
		}
		user = strconv.Itoa(int(u.UID)) + ":" + strconv.Itoa(int(u.GID))
	}
	logDir := e.bundleDir(c.ID)
	if _, err := os.Stat(logDir); err != nil {
		logDir = os.TempDir()
	}
	return c, rt, oci.ExecOptions{Args: o.Args, Env: o.Env, WorkingDir: o.WorkingDir, User: user, Tty: o.Tty, LogDir: logDir}, nil
}
