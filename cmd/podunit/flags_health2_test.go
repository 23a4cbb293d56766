package main

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/generator/export"
	"github.com/podunit/podunit/generator/unitfile"
)

// parseHealth parses args as create's health flags.
func parseHealth(t *testing.T, args ...string) (*model.HealthConfig, error) {
	t.Helper()
	var f opsFlags
	fs := pflag.NewFlagSet("create", pflag.ContinueOnError)
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return f.health()
}

func TestStartupAndLogFlags(t *testing.T) {
	h, err := parseHealth(t, "--health-cmd", "true", "--health-startup-cmd", `["/bin/ready","x"]`,
		"--health-startup-interval", "2s", "--health-startup-retries", "4", "--health-startup-success", "3",
		"--health-startup-timeout", "7s", "--health-log-destination", "events_logger",
		"--health-max-log-count", "0", "--health-max-log-size", "100")
	if err != nil {
		t.Fatal(err)
	}
	wantS := &model.HealthStartup{Test: []string{"CMD", "/bin/ready", "x"}, Interval: 2 * time.Second,
		Timeout: 7 * time.Second, Retries: 4, Successes: 3}
	wantL := &model.HealthLogSettings{Destination: "events_logger", MaxCount: 0, MaxSize: 100}
	if !reflect.DeepEqual(h.Startup, wantS) || !reflect.DeepEqual(h.Log, wantL) || h.FromImage {
		t.Errorf("startup %+v log %+v from image %v", h.Startup, h.Log, h.FromImage)
	}
	if h, err = parseHealth(t, "--health-cmd", "true"); err != nil || h.Startup != nil || h.Log != nil {
		t.Errorf("defaults gave startup %+v, log %+v, %v; want none recorded", h.Startup, h.Log, err)
	}
	for _, bad := range [][]string{{"--health-cmd", "true", "--health-startup-cmd", "x", "--health-startup-interval", "soon"},
		{"--health-cmd", "true", "--health-startup-cmd", "x", "--health-startup-timeout", "1"},
		{"--no-healthcheck", "--health-startup-cmd", "x"}, {"--no-healthcheck", "--health-cmd", "true"}} {
		if _, err := parseHealth(t, bad...); !errdefs.IsInvalidArgument(err) {
			t.Errorf("%q: %v, want an invalid argument", bad, err)
		}
	}
}

// TestImageHealthFlags: without --health-cmd the check comes from the
// image, with only the flags that were given; --no-healthcheck and
// --health-cmd none take none.
func TestImageHealthFlags(t *testing.T) {
	h, err := parseHealth(t)
	if err != nil || !reflect.DeepEqual(h, &model.HealthConfig{FromImage: true, OnFailure: "none"}) {
		t.Errorf("no flags: %+v, %v", h, err)
	}
	h, err = parseHealth(t, "--health-interval", "disable", "--health-retries", "7", "--health-timeout", "3s", "--health-on-failure", "kill")
	want := &model.HealthConfig{FromImage: true, Interval: -1, Retries: 7, Timeout: 3 * time.Second, OnFailure: "kill"}
	if err != nil || !reflect.DeepEqual(h, want) {
		t.Errorf("flags over the image's: %+v, %v; want %+v", h, err, want)
	}
	for _, none := range [][]string{{"--no-healthcheck"}, {"--health-cmd", "none"}} {
		if h, err := parseHealth(t, none...); h != nil || err != nil {
			t.Errorf("%q: %+v, %v; want no check", none, h, err)
		}
	}
}

// TestHealth2RoundTrip: generate systemd --new's run line gives the same
// startup check and log settings again.
func TestHealth2RoundTrip(t *testing.T) {
	h := &model.HealthConfig{Test: []string{"CMD-SHELL", "true"}, Interval: 30 * time.Second, Timeout: 30 * time.Second,
		Retries: 3, OnFailure: "none",
		Startup: &model.HealthStartup{Test: []string{"CMD-SHELL", "test -e /ready"}, Interval: 2 * time.Second,
			Timeout: 5 * time.Second, Retries: 1, Successes: 2},
		Log: &model.HealthLogSettings{Destination: "/var/log/hc", MaxCount: 10, MaxSize: 0}}
	c := &model.Container{ID: strings.Repeat("a", 64), Name: "hc", Image: "localhost/bb:latest",
		Config: model.Config{Cmd: []string{"sleep", "1"}, Runtime: "crun", Health: h}}
	l := exportedRunLine(t, c)
	got, err := l.flags.ops.health()
	if err != nil || !reflect.DeepEqual(got, h) {
		t.Errorf("%q gave %+v, %v; want %+v", l.argv, got, err, h)
	}
}

// runLine is a generate systemd --new unit parsed back.
type runLine struct {
	flags *createFlags   // its run line's create flags, parsed
	fs    *pflag.FlagSet // where they were parsed
	unit  *unitfile.File // the unit
	argv  []string       // its ExecStart=
}

// exportedRunLine is c's generate systemd --new unit parsed back.
func exportedRunLine(t *testing.T, c *model.Container) runLine {
	t.Helper()
	u, err := export.Container(c, nil, export.Options{New: true})
	if err != nil {
		t.Fatal(err)
	}
	f, err := unitfile.Parse(u.Name, u.Text)
	if err != nil {
		t.Fatal(err)
	}
	argv := unitExecStart(t, u)
	var back createFlags
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	back.register(fs)
	if err := fs.Parse(argv[slices.Index(argv, "--rm")+1:]); err != nil {
		t.Fatalf("%q: %v", argv, err)
	}
	return runLine{&back, fs, f, argv}
}

// TestInspectHealth2: inspect shows the startup check and the log
// settings under Podman's names, the log defaults included.
func TestInspectHealth2(t *testing.T) {
	c := &model.Container{ID: strings.Repeat("a", 64), Name: "hc", Config: model.Config{Cmd: []string{"true"},
		Health: &model.HealthConfig{Test: []string{"CMD", "true"}, Retries: 3, OnFailure: "kill",
			Startup: &model.HealthStartup{Test: []string{"CMD-SHELL", "x"}, Interval: time.Second, Successes: 2}}}}
	view, err := jsonView(newInspectData(c, func(string) string { return "" }))
	if err != nil {
		t.Fatal(err)
	}
	for tmpl, want := range map[string]string{
		"{{.Config.HealthcheckOnFailureAction}}":                                           "kill",
		"{{.Config.HealthLogDestination}}":                                                 "local",
		"{{.Config.HealthMaxLogCount}} {{.Config.HealthMaxLogSize}}":                       "5 500",
		"{{.Config.StartupHealthCheck.Test}}":                                              "[CMD-SHELL x]",
		"{{.Config.StartupHealthCheck.Interval}} {{.Config.StartupHealthCheck.Successes}}": "1000000000 2",
	} {
		var out strings.Builder
		if err := writeTable(&out, "inspect", tmpl, nil, nil, []any{view}, true); err != nil {
			t.Fatalf("%s: %v", tmpl, err)
		}
		if got := strings.TrimSpace(out.String()); got != want {
			t.Errorf("%s = %q, want %q", tmpl, got, want)
		}
	}
}
