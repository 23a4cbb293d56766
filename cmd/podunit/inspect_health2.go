package main

import "github.com/podunit/podunit/engine/model"

// inspectHealth2 are the health fields of Podman's Config besides
// Healthcheck: the failure action, the startup check and the log settings.
type inspectHealth2 struct {
	HealthcheckOnFailureAction string               `json:"HealthcheckOnFailureAction,omitempty"`
	StartupHealthCheck         *inspectStartupCheck `json:"StartupHealthCheck,omitempty"`
	HealthLogDestination       string               `json:"HealthLogDestination,omitempty"`
	HealthMaxLogCount          uint                 `json:"HealthMaxLogCount,omitempty"`
	HealthMaxLogSize           uint                 `json:"HealthMaxLogSize,omitempty"`
}

// inspectStartupCheck is Podman's Config.StartupHealthCheck: a
// Healthcheck and the passes it needs.
type inspectStartupCheck struct {
	inspectHealthConfig
	Successes uint `json:"Successes"`
}

// newInspectHealth2 is c's health settings as inspect shows them, none
// without a check. Podman shows the log settings with their defaults.
func newInspectHealth2(c *model.Container) inspectHealth2 {
	h := c.Config.Health
	if h == nil {
		return inspectHealth2{}
	}
	l := h.LogSettings()
	out := inspectHealth2{HealthcheckOnFailureAction: h.OnFailure, HealthLogDestination: l.Destination,
		HealthMaxLogCount: l.MaxCount, HealthMaxLogSize: l.MaxSize}
	if s := h.Startup; s != nil {
		out.StartupHealthCheck = &inspectStartupCheck{Successes: s.Successes,
			inspectHealthConfig: inspectHealthConfig{Test: s.Test, Interval: s.Interval, Timeout: s.Timeout, Retries: s.Retries}}
	}
	return out
}
