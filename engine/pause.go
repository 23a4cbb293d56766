package engine

import (
	"context"
	"fmt"

	"github.com/sirupsen/logrus"

	"github.com/podunit/podunit/engine/cgroups"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/systemd"
)

// Pause freezes a running container: through systemd's FreezeUnit for a
// unit container, so systemd knows (`systemctl status` says frozen); where
// systemd cannot freeze (no unified cgroup hierarchy, as on hybrid
// layouts), and for attached containers, through the runtime's pause (the
// v1 freezer). A rootless container has only the first way (the user
// manager's; rootlessNoFreeze says why not otherwise).
func (e *Engine) Pause(ctx context.Context, ref string) (*model.Container, error) {
	c, err := e.container(ctx, ref)
	if err != nil {
		return nil, err
	}
	if c.State.Status != model.Running {
		return nil, fmt.Errorf("cannot pause container %q: it is %s, not running: %w", c.Name, c.State.Status, errdefs.ErrConflict)
	}
	if paused(c) {
		return nil, fmt.Errorf("container %q is already paused: %w", c.Name, errdefs.ErrConflict)
	}
	if c.State.Unit != "" && systemd.Available() {
		err := e.withManager(ctx, func(conn *systemd.Conn) error { return conn.Freeze(ctx, c.State.Unit) })
		if !errdefs.IsNotImplemented(err) {
			return c, err
		}
		if e.cfg.Rootless.On {
			return nil, rootlessNoFreeze(c, err)
		}
		logrus.Debugf("systemd cannot freeze %s (%v): pausing through the runtime", c.State.Unit, err)
	}
	if e.cfg.Rootless.On {
		return nil, rootlessNoFreeze(c, nil)
	}
	rt, err := e.runtimeFor(c.Config.Runtime)
	if err != nil {
		return nil, err
	}
	return c, rt.Pause(ctx, c.ID)
}

// Unpause thaws a paused container, the way it was frozen.
func (e *Engine) Unpause(ctx context.Context, ref string) (*model.Container, error) {
	c, err := e.container(ctx, ref)
	if err != nil {
		return nil, err
	}
	if c.State.Status != model.Running || !paused(c) {
		return nil, fmt.Errorf("cannot unpause container %q: it is not paused: %w", c.Name, errdefs.ErrConflict)
	}
	return c, e.thaw(ctx, c)
}

// thaw undoes either kind of freeze.
func (e *Engine) thaw(ctx context.Context, c *model.Container) error {
	set, err := cgroups.DefaultRoot.Of(c.State.Pid)
	if err != nil {
		return err
	}
	if set.FrozenV2() && c.State.Unit != "" {
		if err := e.withManager(ctx, func(conn *systemd.Conn) error { return conn.Thaw(ctx, c.State.Unit) }); err != nil {
			return err
		}
	}
	if set.FrozenV1() {
		rt, err := e.runtimeFor(c.Config.Runtime)
		if err != nil {
			return err
		}
		return rt.Resume(ctx, c.ID)
	}
	return nil
}

// thawForStop thaws a paused container so that its stop signal arrives.
func (e *Engine) thawForStop(ctx context.Context, c *model.Container) error {
	if c.State.Status != model.Running || !paused(c) {
		return nil
	}
	return e.thaw(ctx, c)
}

// paused reads from the machine whether a running container is frozen.
func paused(c *model.Container) bool {
	set, err := cgroups.DefaultRoot.Of(c.State.Pid)
	return err == nil && (set.FrozenV1() || set.FrozenV2())
}

// withPaused shows a frozen running container as paused: a status derived
// from the machine each time, never recorded.
func withPaused(c *model.Container) *model.Container {
	if c != nil && c.State.Status == model.Running && paused(c) {
		c.State.Status = model.Paused
	}
	return c
}

// withManager runs fn on a fresh connection to the service manager of
// this engine's units (the user's own for a rootless engine).
func (e *Engine) withManager(ctx context.Context, fn func(*systemd.Conn) error) error {
	conn, err := e.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return fn(conn)
}
