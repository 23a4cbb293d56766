package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

func TestMergeImageHealth(t *testing.T) {
	test := []string{"CMD-SHELL", "curl -f localhost"}
	// nothing given: the image's values, Podman's defaults where it has none
	got := mergeImageHealth(model.HealthConfig{FromImage: true, OnFailure: "none"}, test, 5*time.Second, 0, time.Minute, 0)
	want := &model.HealthConfig{Test: test, Interval: 5 * time.Second, Timeout: DefaultHealthTimeout,
		StartPeriod: time.Minute, Retries: DefaultHealthRetries, OnFailure: "none"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("image only: %+v, want %+v", got, want)
	}
	// flags win; interval -1 is disable
	got = mergeImageHealth(model.HealthConfig{FromImage: true, Interval: -1, Timeout: 2 * time.Second, Retries: 9,
		OnFailure: "kill"}, test, 5*time.Second, 4*time.Second, 0, 2)
	want = &model.HealthConfig{Test: test, Interval: 0, Timeout: 2 * time.Second, Retries: 9, OnFailure: "kill"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("flags over the image: %+v, want %+v", got, want)
	}
}

func TestStartupCheckRecords(t *testing.T) {
	h := &model.HealthConfig{Test: []string{"CMD", "true"}, Retries: 1,
		Startup: &model.HealthStartup{Test: []string{"CMD", "/ready"}, Timeout: 7 * time.Second, Retries: 2, Successes: 2},
		Log:     &model.HealthLogSettings{Destination: "local", MaxCount: 3}}
	c := &model.Container{Config: model.Config{Health: h}}
	c.State.Health = c.FreshHealth()
	if args, to := checkToRun(c); !reflect.DeepEqual(args, []string{"/ready"}) || to != 7*time.Second {
		t.Fatalf("first check %q %s, want the startup check", args, to)
	}
	pass, fail := model.HealthLog{ExitCode: 0}, model.HealthLog{ExitCode: 1}
	steps := []struct {
		l    model.HealthLog
		want startupOutcome
	}{{fail, startupOutcome{}}, {pass, startupOutcome{}}, {fail, startupOutcome{}},
		{fail, startupOutcome{restart: true}}, {pass, startupOutcome{}}, {pass, startupOutcome{passed: true}}}
	for i, s := range steps {
		if got := recordStartup(c.State.Health, h, s.l); got != s.want {
			t.Fatalf("step %d: %+v, want %+v", i, got, s.want)
		}
		if c.State.Health.Status != model.HealthStarting || c.State.Health.FailingStreak != 0 {
			t.Fatalf("step %d: a startup check set the status %+v", i, c.State.Health)
		}
	}
	if len(c.State.Health.Log) != 3 {
		t.Errorf("the log keeps %d results, want --health-max-log-count 3", len(c.State.Health.Log))
	}
	if args, to := checkToRun(c); !reflect.DeepEqual(args, []string{"true"}) || to != 0 || inStartup(c) {
		t.Errorf("after the startup check passed: %q %s, want the regular check", args, to)
	}
	if got := healthRestart(c, "no"); got != "on-failure" {
		t.Errorf("startup retries need systemd to restart the unit: Restart=%s", got)
	}
}

func TestValidateHealth2(t *testing.T) {
	ok := func() *model.HealthConfig {
		return &model.HealthConfig{Test: []string{"CMD", "true"}, Timeout: time.Second, Retries: 1, OnFailure: "none",
			Startup: &model.HealthStartup{Test: []string{"CMD", "x"}, Interval: time.Second, Timeout: time.Second}}
	}
	if err := validateHealth(ok(), ""); err != nil {
		t.Fatal(err)
	}
	for what, change := range map[string]func(h *model.HealthConfig){
		"startup interval": func(h *model.HealthConfig) { h.Startup.Interval = 0 },
		"startup timeout":  func(h *model.HealthConfig) { h.Startup.Timeout = time.Millisecond },
		"startup test":     func(h *model.HealthConfig) { h.Startup.Test = []string{"NONE"} },
		"relative dir":     func(h *model.HealthConfig) { h.Log = &model.HealthLogSettings{Destination: "logs"} },
		"missing dir":      func(h *model.HealthConfig) { h.Log = &model.HealthLogSettings{Destination: "/no/such/dir"} },
	} {
		h := ok()
		change(h)
		if err := validateHealth(h, ""); !errdefs.IsInvalidArgument(err) {
			t.Errorf("%s: %v, want an invalid argument", what, err)
		}
	}
	h := ok()
	h.Log = &model.HealthLogSettings{Destination: t.TempDir()}
	if err := validateHealth(h, ""); err != nil {
		t.Errorf("a directory destination: %v", err)
	}
}

func TestOutputBound(t *testing.T) {
	h := &model.HealthConfig{}
	if got := outputBound(h); got != model.DefaultHealthMaxLogSize {
		t.Errorf("default bound %d", got)
	}
	h.Log = &model.HealthLogSettings{MaxSize: 0}
	if got := outputBound(h); got != healthOutputHardMax {
		t.Errorf("no bound gave %d", got)
	}
}

func TestKeepHealthLogInADirectory(t *testing.T) {
	dir := t.TempDir()
	c := &model.Container{ID: "abc", Name: "hc", Config: model.Config{Health: &model.HealthConfig{
		Log: &model.HealthLogSettings{Destination: dir}}}}
	c.State.Health = &model.HealthState{Status: model.HealthHealthy, Log: []model.HealthLog{{Output: "ok"}}}
	(&Engine{}).keepHealthLog(c)
	data, err := os.ReadFile(filepath.Join(dir, "abc-healthcheck.log"))
	var back model.HealthState
	if err == nil {
		err = json.Unmarshal(data, &back)
	}
	if err != nil || back.Status != model.HealthHealthy || len(back.Log) != 1 || back.Log[0].Output != "ok" {
		t.Errorf("the directory's log: %s, %v", data, err)
	}
}

// TestGeneratedHealthName: the engine finds a unit file container's
// generated check timers by the names the generator gives them
// (generator/unitfile.HealthUnits), template instances included.
func TestGeneratedHealthName(t *testing.T) {
	for unit, want := range map[string][2]string{
		"web.service":         {"web-healthcheck.timer", "web-healthcheck-startup.timer"},
		"web@a\\x2db.service": {"web-healthcheck@a\\x2db.timer", "web-healthcheck-startup@a\\x2db.timer"},
		"podunit-x.service":   {"podunit-x-healthcheck.timer", "podunit-x-healthcheck-startup.timer"},
		"podunit-x.scope":     {"", ""},
		"":                    {"", ""},
	} {
		if got := [2]string{generatedHealthName(unit, false), generatedHealthName(unit, true)}; got != want {
			t.Errorf("%q: %q, want %q", unit, got, want)
		}
	}
}
