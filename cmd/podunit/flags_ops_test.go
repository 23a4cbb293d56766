package main

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/model"
)

// TestNoHealthcheckRoundTrip: --no-healthcheck is recorded and generate
// systemd --new writes it back, so the container made again from the unit
// refuses the image's check too.
func TestNoHealthcheckRoundTrip(t *testing.T) {
	var cfg model.Config
	var f opsFlags
	fs := pflag.NewFlagSet("create", pflag.ContinueOnError)
	f.register(fs)
	if err := fs.Parse([]string{"--no-healthcheck"}); err != nil {
		t.Fatal(err)
	}
	if err := f.apply(&cfg); err != nil || !cfg.NoHealthcheck || cfg.Health != nil {
		t.Fatalf("--no-healthcheck gave %+v, %+v, %v", cfg.NoHealthcheck, cfg.Health, err)
	}
	c := &model.Container{ID: strings.Repeat("a", 64), Name: "nh", Image: "localhost/hc:1",
		Config: model.Config{Cmd: []string{"true"}, Runtime: "crun", OpsConfig: cfg.OpsConfig}}
	l := exportedRunLine(t, c)
	var back model.Config
	if err := l.flags.ops.apply(&back); err != nil || !back.NoHealthcheck || back.Health != nil {
		t.Errorf("%q gave %+v, %+v, %v", l.argv, back.NoHealthcheck, back.Health, err)
	}
}

// TestInspectNoHealthcheck: inspect shows --no-healthcheck as Podman
// records it, a check of NONE, with no health state.
func TestInspectNoHealthcheck(t *testing.T) {
	c := &model.Container{Config: model.Config{OpsConfig: model.OpsConfig{NoHealthcheck: true}}}
	st, cfg := newInspectHealth(c)
	if st != nil || cfg == nil || len(cfg.Test) != 1 || cfg.Test[0] != "NONE" {
		t.Errorf("state %+v, config %+v; want no state and Test [NONE]", st, cfg)
	}
	if got := containerHealth(c); got != "none" {
		t.Errorf("ps health %q, want none", got)
	}
}
