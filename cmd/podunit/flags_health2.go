package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// health2Flags are the startup check and health log flags of run and
// create, and what tells the image's HEALTHCHECK from the flags' values.
type health2Flags struct {
	fs                                  *pflag.FlagSet
	startupCmd, startupEvery, startupTO string
	startupRetries, startupSuccess      uint
	logDest                             string
	logCount, logSize                   uint
}

func (f *health2Flags) register(fs *pflag.FlagSet) {
	f.fs = fs
	fs.StringVar(&f.startupCmd, "health-startup-cmd", "", "startup health check command, run after each start until it passes; needs --health-cmd")
	fs.StringVar(&f.startupEvery, "health-startup-interval", "30s", "time between startup health checks")
	fs.UintVar(&f.startupRetries, "health-startup-retries", 0, "startup check failures in a row that restart the container; 0: never")
	fs.UintVar(&f.startupSuccess, "health-startup-success", 0, "startup check passes in a row before the regular check begins; 0: one")
	fs.StringVar(&f.startupTO, "health-startup-timeout", "30s", "time a startup health check may take")
	fs.StringVar(&f.logDest, "health-log-destination", model.HealthLogLocal,
		"where health check results go besides inspect: local, events_logger or an absolute directory")
	fs.UintVar(&f.logCount, "health-max-log-count", model.DefaultHealthMaxLogCount, "health check results kept; 0: all")
	fs.UintVar(&f.logSize, "health-max-log-size", model.DefaultHealthMaxLogSize, "bytes of a health check's output kept; 0: no bound")
}

// apply adds the startup check and the log settings to h.
func (f *health2Flags) apply(h *model.HealthConfig) error {
	if f.logDest != model.HealthLogLocal || f.logCount != model.DefaultHealthMaxLogCount || f.logSize != model.DefaultHealthMaxLogSize {
		h.Log = &model.HealthLogSettings{Destination: f.logDest, MaxCount: f.logCount, MaxSize: f.logSize}
	}
	test, err := engine.ParseHealthCmd(f.startupCmd)
	if err != nil || test == nil {
		return err
	}
	s := &model.HealthStartup{Test: test, Retries: f.startupRetries, Successes: f.startupSuccess}
	if s.Interval, err = flagDuration("--health-startup-interval", f.startupEvery); err != nil {
		return err
	}
	if s.Timeout, err = flagDuration("--health-startup-timeout", f.startupTO); err != nil {
		return err
	}
	h.Startup = s
	return nil
}

// fromImage is the check of a container given no --health-cmd: the
// image's, with what the other --health-* flags set (zero: not set,
// interval -1: disable), unless --no-healthcheck.
func (f *opsFlags) fromImage() (*model.HealthConfig, error) {
	if f.noHealthcheck {
		if f.h2.startupCmd != "" {
			return nil, fmt.Errorf("--health-startup-cmd with --no-healthcheck: %w", errdefs.ErrInvalidArgument)
		}
		return nil, nil
	}
	h := &model.HealthConfig{FromImage: true, OnFailure: f.healthOnFailure}
	var err error
	if f.h2.fs.Changed("health-interval") {
		h.Interval = -1
		if f.healthInterval != "disable" {
			h.Interval, err = flagDuration("--health-interval", f.healthInterval)
		}
	}
	if err == nil && f.h2.fs.Changed("health-timeout") {
		h.Timeout, err = flagDuration("--health-timeout", f.healthTimeout)
	}
	if err == nil && f.h2.fs.Changed("health-start-period") {
		h.StartPeriod, err = flagDuration("--health-start-period", f.healthEnd)
	}
	if f.h2.fs.Changed("health-retries") {
		h.Retries = f.healthRetries
	}
	if err != nil {
		return nil, err
	}
	return h, f.h2.apply(h)
}
