package model

import "time"

// HealthStartup is a startup check (--health-startup-*): after each start
// it runs instead of the regular check until it has passed, then the
// regular check takes over.
type HealthStartup struct {
	Test      []string      `json:"test"` // as HealthConfig.Test
	Interval  time.Duration `json:"interval"`
	Timeout   time.Duration `json:"timeout"`
	Retries   uint          `json:"retries,omitempty"`   // failures in a row that restart the container; 0: never
	Successes uint          `json:"successes,omitempty"` // passes in a row it needs; 0: one
}

// HealthStartupState is how far a startup check got since the last start.
type HealthStartupState struct {
	Passed    bool `json:"passed,omitempty"`
	Successes uint `json:"successes,omitempty"` // passes in a row
	Failures  uint `json:"failures,omitempty"`  // failures in a row
}

// Needed is how many passes in a row the startup check s needs.
func (s *HealthStartup) Needed() uint { return max(s.Successes, 1) }

// RecordStartup counts one startup check result and reports whether the
// check has now passed (successes reached) and whether its failures
// reached its retries (the container is to be restarted).
func (st *HealthStartupState) RecordStartup(s *HealthStartup, pass bool) (passed, restart bool) {
	if pass {
		st.Successes, st.Failures = st.Successes+1, 0
		st.Passed = st.Successes >= s.Needed()
		return st.Passed, false
	}
	st.Successes, st.Failures = 0, st.Failures+1
	return false, s.Retries > 0 && st.Failures >= s.Retries
}

// The health log's destinations (--health-log-destination); any other
// value is an absolute directory.
const (
	HealthLogLocal  = "local"
	HealthLogEvents = "events_logger"
)

// Podman's health log defaults.
const (
	DefaultHealthMaxLogCount = HealthLogMax
	DefaultHealthMaxLogSize  = 500
)

// HealthLogSettings are --health-log-destination, --health-max-log-count
// and --health-max-log-size (0: no bound). A nil one is Podman's defaults.
type HealthLogSettings struct {
	Destination string `json:"destination"`
	MaxCount    uint   `json:"maxCount"`
	MaxSize     uint   `json:"maxSize"`
}

// LogSettings are h's log settings, the defaults where none were given.
func (h *HealthConfig) LogSettings() HealthLogSettings {
	if h == nil || h.Log == nil {
		return HealthLogSettings{Destination: HealthLogLocal, MaxCount: DefaultHealthMaxLogCount, MaxSize: DefaultHealthMaxLogSize}
	}
	return *h.Log
}

// AddLog adds one result to the log, keeping the last keep (0: all).
func (h *HealthState) AddLog(l HealthLog, keep uint) {
	h.Log = append(h.Log, l)
	if keep > 0 && uint(len(h.Log)) > keep {
		h.Log = h.Log[uint(len(h.Log))-keep:]
	}
}
