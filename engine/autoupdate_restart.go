package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/systemd"
	"github.com/podunit/podunit/internal/ctxsleep"
)

// updateSettle is how long a restarted container must keep running in its
// unit, with the same main process, to count as up: a new image whose
// program exits at once is caught here. (READY=1 comes as soon as the
// container runs, unless --sdnotify=container or healthy say otherwise.)
const updateSettle = 2 * time.Second

// updateSteps are c's restart, rollback tag and warning for runUpdate.
func (e *Engine) updateSteps(ctx context.Context, c *model.Container) updateSteps {
	old := c.ImageID
	return updateSteps{
		restart: func() error { return e.restartForUpdate(ctx, c) },
		retag:   func() error { return e.images.Tag(ctx, old, c.Image) },
		warn: func(err error) {
			if e.cfg.Warn != nil {
				e.cfg.Warn(fmt.Errorf("auto-updating container %q: %w", c.Name, err))
			}
		},
	}
}

// restartForUpdate restarts c's unit as `podunit restart` does (the start
// follows the image's name: followImage) and waits until the container
// is up in it. A unit file's --rm container whose start failed is gone
// with its record: its unit, started again, makes it anew. That removal
// may also come while the restart begins (the failed unit's cleanup, still
// running when the record was found): then too the unit is started again.
func (e *Engine) restartForUpdate(ctx context.Context, c *model.Container) error {
	_, err := e.store.Container(ctx, c.Name)
	if err == nil {
		_, err = e.Restart(ctx, c.Name, nil)
	}
	if errdefs.IsNotFound(err) && InUnitFile(c) {
		err = e.startUnitByName(ctx, c.State.Unit)
	}
	if err != nil {
		return err
	}
	return e.waitUp(ctx, c.Name)
}

// startUnitByName starts a unit through the manager that runs this
// engine's units (the user's own for a rootless engine).
func (e *Engine) startUnitByName(ctx context.Context, unit string) error {
	conn, err := e.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Start(ctx, unit)
}

// waitUp watches the container name and its unit for updateSettle: both
// must stay up with one main process; then, with a health check, the
// container must become healthy.
func (e *Engine) waitUp(ctx context.Context, name string) error {
	conn, err := e.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	deadline, firstPID := time.Now().Add(updateSettle), 0
	for {
		c, err := e.store.Container(ctx, name)
		if err != nil {
			return fmt.Errorf("container %q after the restart: %w", name, err)
		}
		st, err := conn.State(ctx, c.State.Unit)
		if err != nil {
			return err
		}
		if err := stillUp(c, st, firstPID); err != nil {
			return err
		}
		if firstPID == 0 {
			firstPID = st.MainPID
		}
		if time.Now().After(deadline) {
			return e.waitHealthy(ctx, c)
		}
		if err := ctxsleep.Sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

// stillUp judges one look at a restarted container and its unit: the
// container runs, the unit is active, and its main process is still the
// one first seen (firstPID; 0: none seen yet), so systemd did not restart it.
func stillUp(c *model.Container, st *systemd.UnitState, firstPID int) error {
	switch {
	case c.State.Status != model.Running:
		msg := fmt.Sprintf("container %q is %s after the restart (exit code %d)", c.Name, c.State.Status, c.State.ExitCode)
		if c.State.Error != "" {
			msg += ": " + c.State.Error
		}
		return fmt.Errorf("%s: %w", msg, errdefs.ErrConflict)
	case st.ActiveState != "active":
		return fmt.Errorf("unit %s is %s (%s) after the restart: %w", st.Name, st.ActiveState, st.SubState, errdefs.ErrConflict)
	case firstPID != 0 && st.MainPID != firstPID:
		return fmt.Errorf("unit %s restarted its container after the restart (main PID %d, then %d): %w",
			st.Name, firstPID, st.MainPID, errdefs.ErrConflict)
	}
	return nil
}

// waitHealthy waits, for a container with a health check, until a check
// passes; unhealthy, stopped or not healthy in time is a failure. Checks
// with no interval (only `healthcheck run`) are run from here; what counts
// is the status they record (a failed startup check leaves it starting).
func (e *Engine) waitHealthy(ctx context.Context, c *model.Container) error {
	h := c.Config.Health
	if h == nil {
		return nil
	}
	limit, pause := healthWait(h), 200*time.Millisecond
	if h.Interval == 0 {
		pause = time.Second
	}
	deadline := time.Now().Add(limit)
	for {
		var err error
		if h.Interval == 0 {
			if _, err = e.HealthcheckRun(ctx, c.ID); err == nil {
				c, err = e.store.Container(ctx, c.ID)
			}
		}
		status := model.HealthStarting
		if err == nil && c.State.Health != nil {
			status = c.State.Health.Status
		}
		switch {
		case err != nil:
			return err
		case status == model.HealthHealthy:
			return nil
		case status == model.HealthUnhealthy:
			return fmt.Errorf("container %q is unhealthy after the restart: %w", c.Name, errdefs.ErrConflict)
		case time.Now().After(deadline):
			return fmt.Errorf("container %q is not healthy %s after the restart: %w", c.Name, limit, errdefs.ErrConflict)
		}
		if err := ctxsleep.Sleep(ctx, pause); err != nil {
			return err
		}
		if c, err = e.store.Container(ctx, c.ID); err != nil {
			return err
		}
		if c.State.Status != model.Running {
			return fmt.Errorf("container %q is %s while its health check was awaited: %w", c.Name, c.State.Status, errdefs.ErrConflict)
		}
	}
}

// healthWait bounds the wait for a first passing check: the start period,
// then as many checks as it takes to become unhealthy, and one more.
func healthWait(h *model.HealthConfig) time.Duration {
	every := h.Interval
	if every == 0 {
		every = time.Second
	}
	return h.StartPeriod + time.Duration(h.Retries+1)*(every+h.Timeout) + updateSettle
}
