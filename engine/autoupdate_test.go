package engine

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/systemd"
)

func TestAutoUpdatePolicy(t *testing.T) {
	for value, want := range map[string]string{"": PolicyDisabled, "disabled": PolicyDisabled,
		"registry": PolicyRegistry, "image": PolicyRegistry, "local": PolicyLocal} {
		got, err := AutoUpdatePolicy(map[string]string{AutoUpdateLabel: value})
		if err != nil || got != want {
			t.Errorf("policy %q: %q, %v; want %q", value, got, err, want)
		}
	}
	if got, err := AutoUpdatePolicy(nil); err != nil || got != PolicyDisabled {
		t.Errorf("no label: %q, %v", got, err)
	}
	_, err := AutoUpdatePolicy(map[string]string{AutoUpdateLabel: "Registry"})
	if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "io.containers.autoupdate=Registry") {
		t.Errorf("bad policy: %v", err)
	}
}

func TestValidateAutoUpdate(t *testing.T) {
	label := func(v string) *model.Config {
		return &model.Config{Labels: map[string]string{AutoUpdateLabel: v}}
	}
	good := []struct {
		cfg   *model.Config
		image string
	}{
		{label("registry"), "quay.io/podman/stable:latest"},
		{label("registry"), "127.0.0.1:5000/app"},
		{label("registry"), "docker://localhost/app:1"},
		{label("local"), "bb"},
		{label("local"), "0123456789ab"},
		{label("disabled"), "bb"},
		{&model.Config{}, "bb"},
	}
	for _, g := range good {
		if err := validateAutoUpdate(g.cfg, g.image); err != nil {
			t.Errorf("%v with %q: %v", g.cfg.Labels, g.image, err)
		}
	}
	rootfs := label("local")
	rootfs.Rootfs = "/srv/root"
	bad := []struct {
		cfg         *model.Config
		image, says string
	}{
		{label("registry"), "busybox", "fully qualified"},
		{label("registry"), "library/busybox:1", "fully qualified"},
		{label("registry"), "quay.io/app@sha256:" + strings.Repeat("a", 64), "digest"},
		{label("sometimes"), "quay.io/app", "unknown auto-update policy"},
		{rootfs, "", "--rootfs"},
	}
	for _, b := range bad {
		err := validateAutoUpdate(b.cfg, b.image)
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), b.says) {
			t.Errorf("%v with %q: %v, want an invalid argument saying %q", b.cfg.Labels, b.image, err, b.says)
		}
	}
}

func TestUpdateNeeded(t *testing.T) {
	cases := []struct {
		name                   string
		policy, running, local string
		digests                []string
		remote                 string
		want                   bool
	}{
		{"local: same image", PolicyLocal, "a", "a", nil, "", false},
		{"local: the name moved", PolicyLocal, "a", "b", nil, "", true},
		{"local: no local image", PolicyLocal, "a", "", nil, "", false},
		{"registry: same manifest", PolicyRegistry, "a", "", []string{"sha256:1"}, "sha256:1", false},
		{"registry: one of its manifests", PolicyRegistry, "a", "", []string{"sha256:0", "sha256:1"}, "sha256:1", false},
		{"registry: a new manifest", PolicyRegistry, "a", "", []string{"sha256:1"}, "sha256:2", true},
		{"registry: running image has no digest", PolicyRegistry, "a", "", nil, "sha256:2", true},
		{"registry: the local name moved, not the registry", PolicyRegistry, "a", "b", []string{"sha256:1"}, "sha256:1", false},
		{"disabled", PolicyDisabled, "a", "b", nil, "sha256:2", false},
	}
	for _, c := range cases {
		if got := updateNeeded(c.policy, c.running, c.local, c.digests, c.remote); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// steps plays an update: each restart takes the next result of restarts.
type steps struct {
	restarts []error
	tagErr   error
	calls    []string
	warned   error
}

func (s *steps) steps() updateSteps {
	return updateSteps{
		restart: func() error {
			s.calls = append(s.calls, "restart")
			err := s.restarts[0]
			s.restarts = s.restarts[1:]
			return err
		},
		retag: func() error { s.calls = append(s.calls, "retag"); return s.tagErr },
		warn:  func(err error) { s.warned = err },
	}
}

func TestRunUpdate(t *testing.T) {
	down, tagFail := errors.New("unit failed"), errors.New("no old image")
	cases := []struct {
		name     string
		s        steps
		rollback bool
		want     string
		calls    string
		errs     []error
	}{
		{"comes up", steps{restarts: []error{nil}}, true, UpdatedTrue, "restart", nil},
		{"fails, no rollback", steps{restarts: []error{down}}, false, UpdatedFailed, "restart", []error{down}},
		{"rolled back", steps{restarts: []error{down, nil}}, true, UpdatedRolledBack, "restart retag restart", nil},
		{"retag fails", steps{restarts: []error{down}, tagErr: tagFail}, true, UpdatedFailed, "restart retag", []error{down, tagFail}},
		{"old image fails too", steps{restarts: []error{down, errors.New("again")}}, true, UpdatedFailed, "restart retag restart", []error{down}},
	}
	for _, c := range cases {
		got, err := runUpdate(c.s.steps(), c.rollback)
		if got != c.want || strings.Join(c.s.calls, " ") != c.calls {
			t.Errorf("%s: %q after %v, want %q after %s", c.name, got, c.s.calls, c.want, c.calls)
		}
		if (err == nil) != (c.errs == nil) {
			t.Errorf("%s: error %v", c.name, err)
		}
		for _, want := range c.errs {
			if !errors.Is(err, want) {
				t.Errorf("%s: error %v does not wrap %v", c.name, err, want)
			}
		}
		if (c.want == UpdatedRolledBack) != (c.s.warned != nil) || c.s.warned != nil && !errors.Is(c.s.warned, down) {
			t.Errorf("%s: warned %v", c.name, c.s.warned)
		}
	}
}

func TestStillUp(t *testing.T) {
	running := &model.Container{Name: "app", State: model.State{Status: model.Running}}
	exited := &model.Container{Name: "app", State: model.State{Status: model.Exited, ExitCode: 1, Error: "exec failed"}}
	active := &systemd.UnitState{Name: "app.service", ActiveState: "active", SubState: "running", MainPID: 10}
	failed := &systemd.UnitState{Name: "app.service", ActiveState: "failed", SubState: "failed"}
	restarted := &systemd.UnitState{Name: "app.service", ActiveState: "active", SubState: "running", MainPID: 11}
	cases := []struct {
		c     *model.Container
		st    *systemd.UnitState
		first int
		says  string
	}{
		{running, active, 0, ""},
		{running, active, 10, ""},
		{exited, active, 0, "exited after the restart (exit code 1): exec failed"},
		{running, failed, 10, "app.service is failed (failed)"},
		{running, restarted, 10, "main PID 10, then 11"},
	}
	for _, c := range cases {
		err := stillUp(c.c, c.st, c.first)
		if c.says == "" && err != nil || c.says != "" && (err == nil || !strings.Contains(err.Error(), c.says) || !errdefs.IsConflict(err)) {
			t.Errorf("%s, %s, first PID %d: %v, want %q", c.c.State.Status, c.st.ActiveState, c.first, err, c.says)
		}
	}
}

func TestHealthWait(t *testing.T) {
	h := &model.HealthConfig{Interval: 2 * time.Second, Timeout: time.Second, StartPeriod: 5 * time.Second, Retries: 3}
	if got, want := healthWait(h), 5*time.Second+4*3*time.Second+updateSettle; got != want {
		t.Errorf("healthWait: %s, want %s", got, want)
	}
	h = &model.HealthConfig{Retries: 1}
	if got, want := healthWait(h), 2*time.Second+updateSettle; got != want {
		t.Errorf("healthWait without interval: %s, want %s", got, want)
	}
}
