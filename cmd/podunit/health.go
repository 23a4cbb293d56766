package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine/model"
)

func (a *app) healthcheckCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "healthcheck", Short: "Run container health checks"}
	cmd.AddCommand(outsideFirst(&cobra.Command{
		Use:   "run CONTAINER",
		Short: "Run a container's health check once (exit 0: healthy or starting, 1: unhealthy)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			status, err := eng.HealthcheckRun(a.ctx(cmd), args[0])
			if err != nil {
				return err
			}
			if status == model.HealthUnhealthy {
				fmt.Fprintln(a.out, status)
				a.exitCode = 1
			}
			return nil
		},
	}))
	return cmd
}

// inspectHealth is Podman's State.Health.
type inspectHealth struct {
	Status        string             `json:"Status"`
	FailingStreak int                `json:"FailingStreak"`
	Log           []inspectHealthLog `json:"Log"`
}

type inspectHealthLog struct {
	Start    time.Time `json:"Start"`
	End      time.Time `json:"End"`
	ExitCode int       `json:"ExitCode"`
	Output   string    `json:"Output"`
}

// inspectHealthConfig is Podman's Config.Healthcheck; durations in ns.
type inspectHealthConfig struct {
	Test        []string      `json:"Test"`
	Interval    time.Duration `json:"Interval"`
	Timeout     time.Duration `json:"Timeout"`
	StartPeriod time.Duration `json:"StartPeriod"`
	Retries     uint          `json:"Retries"`
}

// newInspectHealth is c's health state and check as inspect shows them.
func newInspectHealth(c *model.Container) (*inspectHealth, *inspectHealthConfig) {
	h := c.Config.Health
	if h == nil && c.Config.NoHealthcheck {
		return nil, &inspectHealthConfig{Test: []string{"NONE"}} // Podman's record of --no-healthcheck
	}
	if h == nil {
		return nil, nil
	}
	cfg := &inspectHealthConfig{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout, StartPeriod: h.StartPeriod, Retries: h.Retries}
	st := &inspectHealth{Status: model.HealthStarting, Log: []inspectHealthLog{}}
	if s := c.State.Health; s != nil {
		st.Status, st.FailingStreak = s.Status, s.FailingStreak
		for _, l := range s.Log {
			st.Log = append(st.Log, inspectHealthLog(l))
		}
	}
	return st, cfg
}

// healthSuffix is ps's " (healthy)" after "Up …" for a container with a check.
func healthSuffix(c *model.Container) string {
	if h := containerHealth(c); h != "none" {
		return " (" + h + ")"
	}
	return ""
}

// containerHealth is ps --filter health='s value: none without a check.
func containerHealth(c *model.Container) string {
	switch {
	case c.Config.Health == nil:
		return "none"
	case c.State.Health == nil:
		return model.HealthStarting
	}
	return c.State.Health.Status
}
