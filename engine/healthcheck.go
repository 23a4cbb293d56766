package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// HealthcheckRun runs a container's health check once (its startup
// check until that passed), records the result and, when the container is
// (still) unhealthy, takes its --health-on-failure action. It returns the
// health status, but "unhealthy" for any run whose check failed, as
// Podman's healthcheck run does (its exit code 1), while the container's
// status turns unhealthy only after --health-retries failures.
func (e *Engine) HealthcheckRun(ctx context.Context, ref string) (string, error) {
	c, err := e.container(ctx, ref)
	if err != nil {
		return "", err
	}
	h := c.Config.Health
	if h == nil {
		return "", fmt.Errorf("container %q has no defined healthcheck: %w", c.Name, errdefs.ErrInvalidArgument)
	}
	if c.State.Status != model.Running {
		return "", fmt.Errorf("container %q is not running: %w", c.Name, errdefs.ErrConflict)
	}
	if err := e.rootlessHere(c); err != nil {
		return "", err
	}
	startup := inStartup(c)
	args, timeout := checkToRun(c)
	result := e.runCheck(ctx, c, args, timeout)
	inStart := time.Since(c.State.StartedAt) < h.StartPeriod
	var outcome startupOutcome
	after, err := e.store.UpdateContainer(ctx, c.ID, func(rec *model.Container) error {
		if rec.State.Pid != c.State.Pid { // restarted meanwhile: the result is old news
			return nil
		}
		if rec.State.Health == nil {
			rec.State.Health = rec.FreshHealth()
		}
		if startup {
			outcome = recordStartup(rec.State.Health, h, result)
		} else {
			rec.State.Health.Record(result, h.Retries, inStart, h.LogSettings().MaxCount)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if after.State.Health == nil {
		return model.HealthStarting, nil
	}
	e.keepHealthLog(after)
	status := after.State.Health.Status
	if startup {
		err := e.afterStartup(ctx, after, outcome)
		if result.ExitCode != 0 { // the status stays starting, but this run failed
			return model.HealthUnhealthy, err
		}
		return status, err
	}
	if status == model.HealthUnhealthy && result.ExitCode != 0 {
		if err := e.healthAction(ctx, after); err != nil {
			return status, err
		}
	}
	if result.ExitCode != 0 {
		return model.HealthUnhealthy, nil
	}
	return status, nil
}

// runCheck runs a check's command in the container, bounded by its
// timeout; a command that cannot run or runs out of time fails.
func (e *Engine) runCheck(ctx context.Context, c *model.Container, args []string, timeout time.Duration) model.HealthLog {
	l := model.HealthLog{Start: time.Now().UTC()}
	out, err := os.CreateTemp("", "podunit-health-*")
	if err != nil {
		l.End, l.ExitCode, l.Output = time.Now().UTC(), 125, err.Error()
		return l
	}
	defer os.Remove(out.Name())
	defer out.Close()
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	code, err := e.execCheck(tctx, c, args, out)
	l.End = time.Now().UTC()
	l.ExitCode, l.Output = code, readHead(out, outputBound(c.Config.Health))
	switch {
	case errors.Is(tctx.Err(), context.DeadlineExceeded):
		l.ExitCode, l.Output = 1, fmt.Sprintf("health check timed out after %s", timeout)
	case err != nil:
		l.ExitCode, l.Output = 125, err.Error()
	}
	return l
}

// execCheck runs a check's argv in the running container c with its
// output to out; the end of ctx (the check's timeout) kills all it started.
func (e *Engine) execCheck(ctx context.Context, c *model.Container, args []string, out *os.File) (int, error) {
	c, rt, opts, err := e.execPrepare(ctx, c.ID, ExecOptions{Args: args})
	if err != nil {
		return 0, err
	}
	opts.KillTree = true
	return rt.Exec(ctx, c.ID, opts, Stdio{Out: out, Err: out})
}

// readHead is the first n bytes of f, trimmed, cut at a whole character.
func readHead(f *os.File, n int64) string {
	if fi, err := f.Stat(); err == nil && fi.Size() < n {
		n = fi.Size()
	}
	b := make([]byte, n)
	got, _ := io.ReadFull(io.NewSectionReader(f, 0, n), b)
	return strings.ToValidUTF8(strings.TrimSpace(string(b[:got])), "")
}

// healthAction does what --health-on-failure says to an unhealthy
// container: kill it, stop it, or (restart) kill its init so that its
// unit's Restart=on-failure starts it again and systemd counts it.
func (e *Engine) healthAction(ctx context.Context, c *model.Container) error {
	switch c.Config.Health.OnFailure {
	case "kill", "restart":
		_, err := e.Kill(ctx, c.ID, unix.SIGKILL)
		return err
	case "stop":
		_, err := e.Stop(ctx, c.ID, nil)
		return err
	}
	return nil
}

// readyWhenHealthy is --sdnotify=healthy: unit-start stays, running the
// check until it first passes, and only then tells systemd READY=1, so
// the unit becomes active when the container is healthy; the unit's start
// timeout fails one that never is. From then on the timer runs the checks.
func (e *Engine) readyWhenHealthy(ctx context.Context, c *model.Container) error {
	every := time.Second
	if h := c.Config.Health; h.Interval > 0 && h.Interval < every {
		every = h.Interval
	}
	for {
		status, err := e.HealthcheckRun(ctx, c.ID)
		if err != nil {
			return err
		}
		if status == model.HealthHealthy {
			return e.readyClosed()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(every):
		}
	}
}
