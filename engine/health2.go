package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/systemd"
	"github.com/podunit/podunit/internal/atomicfile"
)

// Podman's startup check defaults.
const (
	DefaultHealthStartupInterval = 30 * time.Second
	DefaultHealthStartupTimeout  = 30 * time.Second
)

// healthOutputHardMax bounds a result's output where --health-max-log-size
// is 0 (no bound): a record is no place for more.
const healthOutputHardMax = 1 << 20

// healthStartupTimerName is the timer that runs a container's startup
// check until it passes; then healthTimerName's runs the regular check.
func healthStartupTimerName(id string) string { return "podunit-health-startup-" + id + ".timer" }

// inStartup says whether c's next check is its startup check.
func inStartup(c *model.Container) bool {
	h := c.Config.Health
	if h == nil || h.Startup == nil {
		return false
	}
	st := c.State.Health
	return st == nil || st.Startup == nil || !st.Startup.Passed
}

// checkToRun is the command and timeout of c's next check.
func checkToRun(c *model.Container) ([]string, time.Duration) {
	h := c.Config.Health
	if inStartup(c) {
		return healthArgs(&model.HealthConfig{Test: h.Startup.Test}), h.Startup.Timeout
	}
	return healthArgs(h), h.Timeout
}

// startupOutcome is what one startup check result changed.
type startupOutcome struct{ passed, restart bool }

// recordStartup counts a startup check's result in hs: it goes into the
// log but leaves the status starting; the regular check decides that.
func recordStartup(hs *model.HealthState, h *model.HealthConfig, l model.HealthLog) startupOutcome {
	if hs.Startup == nil {
		hs.Startup = &model.HealthStartupState{}
	}
	hs.AddLog(l, h.LogSettings().MaxCount)
	passed, restart := hs.Startup.RecordStartup(h.Startup, l.ExitCode == 0)
	return startupOutcome{passed, restart}
}

// afterStartup acts on a startup check's outcome: a pass hands the
// timer over to the regular check; failures past its retries restart the
// container (SIGKILL, which its unit's Restart=on-failure restarts).
func (e *Engine) afterStartup(ctx context.Context, c *model.Container, o startupOutcome) error {
	switch {
	case o.restart:
		_, err := e.Kill(ctx, c.ID, unix.SIGKILL)
		return err
	case o.passed && c.State.Unit != "" && e.unitsHere():
		conn, err := e.connect(ctx) // the user's manager for a rootless engine
		if err != nil {
			return err
		}
		defer conn.Close()
		return e.handOver(ctx, conn, c)
	}
	return nil
}

// handOver starts c's regular check timer (the generated one where it
// fits, else a transient one) and stops its startup check's timer (the
// timer only: its service may be us).
func (e *Engine) handOver(ctx context.Context, conn *systemd.Conn, c *model.Container) error {
	err := e.startGeneratedTimer(ctx, conn, c, false)
	if errors.Is(err, errNoGeneratedTimer) {
		err = e.healthTimer(ctx, conn, c, false)
	}
	if err != nil {
		return err
	}
	if timer, ok := generatedHealthTimer(ctx, conn, c, true); ok {
		return conn.Enqueue(ctx, timer, false)
	}
	return conn.Stop(ctx, healthStartupTimerName(c.ID))
}

// keepHealthLog sends the health state where --health-log-destination
// says, besides the record: a directory gets ID-healthcheck.log (the
// state as JSON, replaced each time, as Podman's), events_logger a
// health_status event. A failure is a warning; the check counted.
func (e *Engine) keepHealthLog(c *model.Container) {
	dest := c.Config.Health.LogSettings().Destination
	switch dest {
	case model.HealthLogLocal, "":
		return
	case model.HealthLogEvents:
		ev := Event{Type: "container", Status: "health_status", ID: c.ID, Name: c.Name, Image: c.Image,
			PodID: c.Config.Pod, Attributes: maps.Clone(c.Config.Labels)}
		if ev.Attributes == nil {
			ev.Attributes = map[string]string{}
		}
		ev.Attributes["health_status"] = c.State.Health.Status
		e.emit(ev)
		return
	}
	data, err := json.Marshal(c.State.Health)
	if err == nil {
		err = atomicfile.Write(filepath.Join(dest, c.ID+"-healthcheck.log"), data, 0o600)
	}
	if err != nil && e.cfg.Warn != nil {
		e.cfg.Warn(fmt.Errorf("container %q: writing its health log to %s: %w", c.Name, dest, err))
	}
}

// validateHealth2 checks the startup check and log settings at create.
func validateHealth2(h *model.HealthConfig) error {
	if s := h.Startup; s != nil {
		switch {
		case len(s.Test) < 2 || s.Test[0] != "CMD" && s.Test[0] != "CMD-SHELL":
			return fmt.Errorf("--health-startup-cmd %q: want [CMD …] or [CMD-SHELL …]: %w", s.Test, errdefs.ErrInvalidArgument)
		case s.Interval < time.Second:
			return fmt.Errorf("--health-startup-interval=%s: want at least 1s: %w", s.Interval, errdefs.ErrInvalidArgument)
		case s.Timeout < time.Second:
			return fmt.Errorf("--health-startup-timeout=%s: want at least 1s: %w", s.Timeout, errdefs.ErrInvalidArgument)
		}
	}
	if l := h.Log; l != nil && l.Destination != model.HealthLogLocal && l.Destination != model.HealthLogEvents {
		if !filepath.IsAbs(l.Destination) {
			return fmt.Errorf("--health-log-destination=%s: want local, events_logger or an absolute directory: %w",
				l.Destination, errdefs.ErrInvalidArgument)
		}
		if fi, err := os.Stat(l.Destination); err != nil || !fi.IsDir() {
			return fmt.Errorf("--health-log-destination=%s: not a directory: %w", l.Destination, errdefs.ErrInvalidArgument)
		}
	}
	return nil
}

// outputBound is how much of a check's output its result keeps.
func outputBound(h *model.HealthConfig) int64 {
	if n := h.LogSettings().MaxSize; n > 0 && n < healthOutputHardMax {
		return int64(n)
	}
	return healthOutputHardMax
}

// imageHealth is the check of a container created without --health-cmd
// (h.FromImage): the image's HEALTHCHECK, with the durations and retries
// the flags gave where they gave them, else the image's, else Podman's
// defaults. No image check (or no image): no check.
func imageHealth(h *model.HealthConfig, img *image.Image) (*model.HealthConfig, error) {
	if h == nil || !h.FromImage {
		return h, nil
	}
	var ih *image.Healthcheck
	if img != nil {
		ih = img.Config.Healthcheck // read when the image was resolved
	}
	if ih == nil && h.Startup != nil {
		return nil, fmt.Errorf("--health-startup-cmd needs a health check: --health-cmd, or the image's HEALTHCHECK: %w",
			errdefs.ErrInvalidArgument)
	}
	if ih == nil {
		return nil, nil
	}
	return mergeImageHealth(*h, ih.Test, ih.Interval, ih.Timeout, ih.StartPeriod, ih.Retries), nil
}

// mergeImageHealth fills h from the image's check. In h a zero duration
// or retry count is one the flags did not give; a negative interval is
// --health-interval=disable.
func mergeImageHealth(h model.HealthConfig, test []string, interval, timeout, start time.Duration, retries int) *model.HealthConfig {
	pick := func(flag, img, def time.Duration) time.Duration {
		switch {
		case flag != 0:
			return flag
		case img > 0:
			return img
		}
		return def
	}
	h.FromImage, h.Test = false, test
	h.Interval = max(pick(h.Interval, interval, DefaultHealthInterval), 0)
	h.Timeout = pick(h.Timeout, timeout, DefaultHealthTimeout)
	h.StartPeriod = pick(h.StartPeriod, start, 0)
	if h.Retries == 0 {
		h.Retries = DefaultHealthRetries
		if retries > 0 {
			h.Retries = uint(retries)
		}
	}
	return &h
}
