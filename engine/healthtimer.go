package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/systemd"
)

// healthTimerName is the transient timer that runs a container's checks;
// its service has the same name with .service. Both are named by the ID,
// as Podman's, so that rm finds them whatever unit ran the container.
func healthTimerName(id string) string { return "podunit-health-" + id + ".timer" }

// startHealthTimer starts c's check timer unless it runs: the timer its
// unit file came with (generatedHealthTimer), else a transient timer +
// oneshot service pair running `podunit healthcheck run ID` every
// interval, so no podunit process waits between checks. A timer left from
// an earlier start is started again. The container runs by now, so a
// failure is a warning, not a failed start.
func (e *Engine) startHealthTimer(ctx context.Context, conn *systemd.Conn, c *model.Container) {
	if c.Config.Health == nil {
		return
	}
	startup := c.Config.Health.Startup != nil // each start begins with it
	err := e.startGeneratedTimer(ctx, conn, c, startup)
	if errors.Is(err, errNoGeneratedTimer) {
		err = e.healthTimer(ctx, conn, c, startup)
	}
	if err != nil && e.cfg.Warn != nil {
		e.cfg.Warn(fmt.Errorf("container %q runs without its health check timer: %w", c.Name, err))
	}
}

// healthTimer starts c's regular check timer, or with startup its startup
// check's.
func (e *Engine) healthTimer(ctx context.Context, conn *systemd.Conn, c *model.Container, startup bool) error {
	h := c.Config.Health
	if h == nil || h.Interval <= 0 && !startup {
		return nil
	}
	args := e.unitArgs("unused", c.ID)
	args = append(args[:len(args)-3], "healthcheck", "run", c.ID)
	t := systemd.Timer{Name: healthTimerName(c.ID), Description: "podunit health check " + c.Name,
		ExecStart: args, Every: h.Interval}
	if startup {
		t.Name, t.Description, t.Every = healthStartupTimerName(c.ID), "podunit startup health check "+c.Name, h.Startup.Interval
	}
	deadline := time.Now().Add(unitGoneWait)
	for {
		err := conn.StartTimer(ctx, t)
		if !errdefs.IsAlreadyExists(err) {
			return err
		}
		// The timer runs (nothing to do), or the last cleanup stopped it
		// and systemd has not collected it or its service yet.
		if st, serr := conn.State(ctx, t.Name); serr == nil && st.ActiveState == "active" {
			return nil
		}
		_ = conn.ResetFailed(ctx, strings.TrimSuffix(t.Name, ".timer")+".service")
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// generatedHealthSuffix mirrors generator/unitfile.HealthUnitSuffix (the
// engine imports nothing of generator/): a unit file container's unit
// NAME.service may come with a generated NAME-healthcheck.timer and
// NAME-healthcheck-startup.timer (a template's instance NAME@I.service:
// NAME-healthcheck@I.timer).
const generatedHealthSuffix = "-healthcheck"

// generatedHealthName is the generated check timer of unit, or of its
// startup check; "" for a unit that is no service.
func generatedHealthName(unit string, startup bool) string {
	base, ok := strings.CutSuffix(unit, ".service")
	if !ok {
		return ""
	}
	prefix, inst, at := strings.Cut(base, "@")
	name := prefix + generatedHealthSuffix
	if startup {
		name += "-startup"
	}
	if at {
		name += "@" + inst
	}
	return name + ".timer"
}

var errNoGeneratedTimer = errors.New("no generated health check timer")

// generatedHealthTimer is c's generated check timer (the startup check's
// with startup) if its unit comes with one that runs at the interval c's
// check has: a file's HealthCmd= always does; for the image's check the
// generator wrote the interval the file gave, else Podman's default.
func generatedHealthTimer(ctx context.Context, conn *systemd.Conn, c *model.Container, startup bool) (string, bool) {
	h := c.Config.Health
	timer, want := generatedHealthName(c.State.Unit, startup), h.Interval
	if startup {
		want = h.Startup.Interval
	}
	if timer == "" || want <= 0 {
		return "", false
	}
	st, err := conn.State(ctx, timer)
	if err != nil || st.LoadState != "loaded" {
		return "", false
	}
	every, err := conn.TimerInterval(ctx, timer)
	return timer, err == nil && every == want
}

// startGeneratedTimer starts c's generated check timer (its unit wants it
// too where the file gave the check, not for the image's), once the unit
// is active: the job is queued, not waited for, as the unit may be
// starting. With a startup check a regular timer that a restart left
// running stops first. errNoGeneratedTimer: none fits.
func (e *Engine) startGeneratedTimer(ctx context.Context, conn *systemd.Conn, c *model.Container, startup bool) error {
	timer, ok := generatedHealthTimer(ctx, conn, c, startup)
	if !ok {
		return errNoGeneratedTimer
	}
	if startup {
		err := conn.Enqueue(ctx, generatedHealthName(c.State.Unit, false), false)
		if err != nil && !errdefs.IsNotFound(err) {
			return err
		}
	}
	return conn.Enqueue(ctx, timer, true)
}

// stopHealthTimerWarn stops c's check timer and service; a failure is a
// warning (the timer's checks of a stopped container fail harmlessly).
func (e *Engine) stopHealthTimerWarn(ctx context.Context, c *model.Container) {
	if err := e.stopHealthTimer(ctx, c); err != nil && e.cfg.Warn != nil {
		e.cfg.Warn(fmt.Errorf("container %q: its health check timer stays: %w", c.Name, err))
	}
}

// stopHealthTimer stops c's check timer and service, if systemd runs.
func (e *Engine) stopHealthTimer(ctx context.Context, c *model.Container) error {
	if c.Config.Health == nil || !systemd.Available() {
		return nil
	}
	conn, err := e.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return errors.Join(conn.StopTimer(ctx, healthTimerName(c.ID)), conn.StopTimer(ctx, healthStartupTimerName(c.ID)))
}

// startedHere is what follows a start that a unit-start recorded in its
// unit: the `start` event and the health check's timer.
func (e *Engine) startedHere(ctx context.Context, c *model.Container) {
	e.containerEvent(c, "start")
	e.startHealthTimerHere(ctx, c)
}

// startHealthTimerHere starts c's check timer from inside its unit (a unit
// file's `run --unit`; for a transient unit its starter did already).
func (e *Engine) startHealthTimerHere(ctx context.Context, c *model.Container) {
	if c.Config.Health == nil || c.Config.Health.Interval <= 0 && c.Config.Health.Startup == nil || !systemd.Available() {
		return
	}
	conn, err := e.connect(ctx)
	if err != nil {
		if e.cfg.Warn != nil {
			e.cfg.Warn(err)
		}
		return
	}
	defer conn.Close()
	e.startHealthTimer(ctx, conn, c)
}
