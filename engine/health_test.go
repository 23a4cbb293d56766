package engine

import (
	"slices"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

func TestParseHealthCmd(t *testing.T) {
	good := map[string][]string{
		"curl -f http://x/ || exit 1": {"CMD-SHELL", "curl -f http://x/ || exit 1"},
		`["CMD", "true"]`:             {"CMD", "true"},
		`["CMD-SHELL", "exit 0"]`:     {"CMD-SHELL", "exit 0"},
		`["/bin/check", "--quick"]`:   {"CMD", "/bin/check", "--quick"},
		"none":                        nil,
		"":                            nil,
		`["NONE"]`:                    nil,
	}
	for in, want := range good {
		got, err := ParseHealthCmd(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseHealthCmd(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{`["CMD"]`, `[1]`, `[`, `[]`} {
		if got, err := ParseHealthCmd(in); !errdefs.IsInvalidArgument(err) {
			t.Errorf("ParseHealthCmd(%q) = %q, %v; want invalid argument", in, got, err)
		}
	}
}

func TestValidateHealth(t *testing.T) {
	ok := model.HealthConfig{Test: []string{"CMD", "true"}, Interval: 30 * time.Second, Timeout: 30 * time.Second,
		Retries: 3, OnFailure: "none"}
	if err := validateHealth(&ok, ""); err != nil {
		t.Fatal(err)
	}
	bad := []func(h *model.HealthConfig){
		func(h *model.HealthConfig) { h.OnFailure = "reboot" },
		func(h *model.HealthConfig) { h.Interval = time.Millisecond },
		func(h *model.HealthConfig) { h.Timeout = 0 },
		func(h *model.HealthConfig) { h.Retries = 0 },
		func(h *model.HealthConfig) { h.StartPeriod = -time.Second },
		func(h *model.HealthConfig) { h.Test = []string{"RUN", "x"} },
	}
	for i, change := range bad {
		h := ok
		change(&h)
		if err := validateHealth(&h, ""); !errdefs.IsInvalidArgument(err) {
			t.Errorf("case %d %+v: %v", i, h, err)
		}
	}
	if err := validateHealth(nil, "healthy"); !errdefs.IsInvalidArgument(err) {
		t.Errorf("--sdnotify=healthy without a check: %v", err)
	}
	c := &model.Container{Config: model.Config{Health: &ok}}
	if got := healthRestart(c, "no"); got != "no" {
		t.Errorf("on-failure none changed Restart= to %q", got)
	}
	ok.OnFailure = "restart"
	if got := healthRestart(c, ""); got != "on-failure" {
		t.Errorf("on-failure restart: Restart=%q", got)
	}
	if got := healthRestart(c, "always"); got != "always" {
		t.Errorf("on-failure restart replaced always with %q", got)
	}
}
