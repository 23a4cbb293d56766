package engine

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// Podman's health check defaults.
const (
	DefaultHealthInterval = 30 * time.Second
	DefaultHealthTimeout  = 30 * time.Second
	DefaultHealthRetries  = 3
)

// healthActions are --health-on-failure's values.
var healthActions = []string{"none", "kill", "restart", "stop"}

// ParseHealthCmd reads --health-cmd as Podman does: a JSON array is the
// test itself (["CMD", …] or ["CMD-SHELL", "…"], else CMD is implied),
// anything else a shell command; "none" and "" mean no check (nil).
func ParseHealthCmd(s string) ([]string, error) {
	t := strings.TrimSpace(s)
	switch {
	case t == "" || strings.EqualFold(t, "none"):
		return nil, nil
	case !strings.HasPrefix(t, "["):
		return []string{"CMD-SHELL", s}, nil
	}
	var test []string
	if err := json.Unmarshal([]byte(t), &test); err != nil || len(test) == 0 {
		return nil, fmt.Errorf("--health-cmd %q: not a JSON array of strings: %w", s, errdefs.ErrInvalidArgument)
	}
	switch test[0] {
	case "CMD", "CMD-SHELL":
		if len(test) < 2 {
			return nil, fmt.Errorf("--health-cmd %q: %s without a command: %w", s, test[0], errdefs.ErrInvalidArgument)
		}
		return test, nil
	case "NONE":
		return nil, nil
	}
	return append([]string{"CMD"}, test...), nil
}

// validateHealth checks a health check's settings at create.
func validateHealth(h *model.HealthConfig, sdNotify string) error {
	if h == nil && sdNotify == "healthy" {
		return fmt.Errorf("--sdnotify=healthy needs a health check (--health-cmd): %w", errdefs.ErrInvalidArgument)
	}
	if h == nil {
		return nil
	}
	switch {
	case len(h.Test) < 2 || h.Test[0] != "CMD" && h.Test[0] != "CMD-SHELL":
		return fmt.Errorf("health check %q: want [CMD …] or [CMD-SHELL …]: %w", h.Test, errdefs.ErrInvalidArgument)
	case !slices.Contains(healthActions, h.OnFailure):
		return fmt.Errorf("--health-on-failure=%s: want none, kill, restart or stop: %w", h.OnFailure, errdefs.ErrInvalidArgument)
	case h.Interval != 0 && h.Interval < time.Second:
		return fmt.Errorf("--health-interval=%s: want at least 1s, or disable: %w", h.Interval, errdefs.ErrInvalidArgument)
	case h.Timeout < time.Second:
		return fmt.Errorf("--health-timeout=%s: want at least 1s: %w", h.Timeout, errdefs.ErrInvalidArgument)
	case h.StartPeriod < 0:
		return fmt.Errorf("--health-start-period=%s: must not be negative: %w", h.StartPeriod, errdefs.ErrInvalidArgument)
	case h.Retries < 1:
		return fmt.Errorf("--health-retries=%d: want at least 1: %w", h.Retries, errdefs.ErrInvalidArgument)
	}
	return validateHealth2(h)
}

// healthArgs is the argv a check runs in the container.
func healthArgs(h *model.HealthConfig) []string {
	if h.Test[0] == "CMD-SHELL" {
		return []string{"/bin/sh", "-c", strings.Join(h.Test[1:], " ")}
	}
	return h.Test[1:]
}

// healthRestart is the unit's Restart= for c: --health-on-failure=restart
// needs systemd to restart the unit when the check kills its init, so a
// unit that would not restart gets on-failure (SIGKILL then forces it).
func healthRestart(c *model.Container, restart string) string {
	h := c.Config.Health
	restarts := h != nil && (h.OnFailure == "restart" || h.Startup != nil && h.Startup.Retries > 0)
	if restarts && (restart == "" || restart == "no") {
		return "on-failure"
	}
	return restart
}
