package main

import (
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// opsFlags are the operations flags of run and create: secrets and
// health checks.
type opsFlags struct {
	secrets                                  []string
	healthCmd, healthOnFailure               string
	healthInterval, healthTimeout, healthEnd string
	healthRetries                            uint
	noHealthcheck                            bool
	h2                                       health2Flags // flags_health2.go
}

func (f *opsFlags) register(fs *pflag.FlagSet) {
	stringArrayVar(fs, &f.secrets, "secret",
		"give the container a secret: NAME[,type=mount|env][,target=PATH|VAR][,uid=N][,gid=N][,mode=OCTAL]")
	fs.StringVar(&f.healthCmd, "health-cmd", "", "health check command: a shell command or a JSON array; none disables")
	fs.StringVar(&f.healthInterval, "health-interval", "30s", "time between health checks; disable: only `healthcheck run`")
	fs.UintVar(&f.healthRetries, "health-retries", engine.DefaultHealthRetries, "failures in a row that make the container unhealthy")
	fs.StringVar(&f.healthEnd, "health-start-period", "0s", "time after start in which failures do not count")
	fs.StringVar(&f.healthTimeout, "health-timeout", "30s", "time a health check may take")
	fs.StringVar(&f.healthOnFailure, "health-on-failure", "none", "what to do to an unhealthy container: none, kill, restart, stop")
	fs.BoolVar(&f.noHealthcheck, "no-healthcheck", false, "no health check, not even the image's")
	f.h2.register(fs)
}

// apply adds the parsed flags to the container's configuration.
func (f *opsFlags) apply(cfg *model.Config) error {
	for _, s := range f.secrets {
		r, err := engine.ParseSecret(s)
		if err != nil {
			return err
		}
		cfg.Secrets = append(cfg.Secrets, r)
	}
	var err error
	cfg.Health, err = f.health()
	cfg.NoHealthcheck = f.noHealthcheck
	return err
}

// health is the container's health check, nil for none.
func (f *opsFlags) health() (*model.HealthConfig, error) {
	if f.noHealthcheck && f.healthCmd != "" { // as Podman
		return nil, fmt.Errorf("cannot specify both --no-healthcheck and --health-cmd: %w", errdefs.ErrInvalidArgument)
	}
	test, err := engine.ParseHealthCmd(f.healthCmd)
	if err != nil {
		return nil, err
	}
	if test == nil && f.healthCmd != "" { // none: not even the image's
		return nil, nil
	}
	if test == nil || f.noHealthcheck {
		return f.fromImage()
	}
	h := &model.HealthConfig{Test: test, Retries: f.healthRetries, OnFailure: f.healthOnFailure}
	if f.healthInterval != "disable" {
		if h.Interval, err = flagDuration("--health-interval", f.healthInterval); err != nil {
			return nil, err
		}
	}
	if h.Timeout, err = flagDuration("--health-timeout", f.healthTimeout); err != nil {
		return nil, err
	}
	if h.StartPeriod, err = flagDuration("--health-start-period", f.healthEnd); err != nil {
		return nil, err
	}
	return h, f.h2.apply(h)
}

// flagDuration reads a Go duration ("30s", "1m30s").
func flagDuration(flag, s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%s=%s: want a duration such as 30s or 1m: %w", flag, s, errdefs.ErrInvalidArgument)
	}
	return d, nil
}

// inspectSecret is one secret of a container as Podman's inspect shows it
// (Config.Secrets): which secret and how it is mounted, never its value.
type inspectSecret struct {
	Name string `json:"Name"`
	ID   string `json:"ID"`
	UID  uint32 `json:"UID"`
	GID  uint32 `json:"GID"`
	Mode uint32 `json:"Mode"`
}

func inspectSecrets(refs []model.SecretRef) []inspectSecret {
	var out []inspectSecret
	for _, r := range refs {
		out = append(out, inspectSecret{Name: r.Name, ID: r.ID, UID: r.UID, GID: r.GID, Mode: r.Mode})
	}
	return out
}
