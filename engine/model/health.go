package model

import "time"

// HealthConfig is a container's health check (--health-*), fixed at create.
type HealthConfig struct {
	// Test is Podman's form: ["CMD-SHELL", "cmd"] (run by /bin/sh -c) or
	// ["CMD", "arg0", ...].
	Test        []string      `json:"test"`
	Interval    time.Duration `json:"interval"` // 0: no timer, checks only by `healthcheck run`
	Timeout     time.Duration `json:"timeout"`
	StartPeriod time.Duration `json:"startPeriod"` // failures within it do not count
	Retries     uint          `json:"retries"`     // consecutive failures that make it unhealthy
	OnFailure   string        `json:"onFailure"`   // none, kill, restart, stop
	// Startup, Log and FromImage: health2.go
	Startup *HealthStartup     `json:"startup,omitempty"`
	Log     *HealthLogSettings `json:"log,omitempty"`
	// FromImage (create only): take the check from the image's
	// HEALTHCHECK, with the durations and retries given here where set.
	FromImage bool `json:"fromImage,omitempty"`
}

// The health statuses, Podman's.
const (
	HealthStarting  = "starting"
	HealthHealthy   = "healthy"
	HealthUnhealthy = "unhealthy"
)

// HealthState is what the checks found: the status, the failures in a
// row and the last checks' results (HealthLogMax at most).
type HealthState struct {
	Status        string      `json:"status"`
	FailingStreak int         `json:"failingStreak"`
	Log           []HealthLog `json:"log,omitempty"`
	// Startup: nil without a startup check (health2.go)
	Startup *HealthStartupState `json:"startup,omitempty"`
}

// HealthLogMax is how many results a HealthState keeps, Podman's.
const HealthLogMax = 5

// HealthLog is one check's result.
type HealthLog struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	ExitCode int       `json:"exitCode"`
	Output   string    `json:"output"`
}

// Record adds one result, keeping the last keep (0: all), and updates the
// status: a pass makes it healthy; failures make it unhealthy after
// retries in a row, except while inStartPeriod (where a failure counts
// only once the container has passed).
func (h *HealthState) Record(l HealthLog, retries uint, inStartPeriod bool, keep uint) {
	h.AddLog(l, keep)
	if l.ExitCode == 0 {
		h.Status, h.FailingStreak = HealthHealthy, 0
		return
	}
	if inStartPeriod && h.Status == HealthStarting {
		return
	}
	h.FailingStreak++
	if uint(h.FailingStreak) >= retries {
		h.Status = HealthUnhealthy
	}
}

// FreshHealth is the health state container c starts with: starting (with
// its startup check's state where it has one), or nil without a check.
func (c *Container) FreshHealth() *HealthState {
	if c.Config.Health == nil {
		return nil
	}
	if c.Config.Health.Startup != nil {
		return &HealthState{Status: HealthStarting, Startup: &HealthStartupState{}}
	}
	return &HealthState{Status: HealthStarting}
}
