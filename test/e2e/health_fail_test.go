package e2e

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// notifyHealthyFile is a .container whose unit becomes active only once
// its check passes (/tmp/ok appears once the test makes /tmp/go, after
// each start) and whose check failing kills the container, which
// Restart=always starts again.
const notifyHealthyFile = `[Container]
Image=bb
ContainerName=qh
HealthCmd=test -e /tmp/ok
HealthInterval=1s
HealthRetries=1
HealthStartPeriod=60s
HealthOnFailure=kill
Notify=healthy
Exec=sh -c "until test -e /tmp/go; do sleep 0.2; done; touch /tmp/ok; exec sleep 600"
StopSignal=KILL

[Service]
Restart=always
TimeoutStartSec=60
`

// TestBootHealthOnFailure: under systemd, each --health-on-failure action
// on a check that starts failing (one boot): kill has the unit restart
// where Restart= says so and stay down where it does not, stop stops the
// unit for good although Restart=always, none only changes the status. A
// unit file's Notify=healthy unit stays activating until its first check
// passes, its checks run from its generated NAME-healthcheck.timer, and
// HealthOnFailure=kill restarts it, activating again. generate systemd's
// units carry such a timer too. Checks that run longer than their timeout
// (--health-timeout, --health-startup-timeout, and a unit file's keys) fail.
func TestBootHealthOnFailure(t *testing.T) {
	// not parallel: checks that must pass within 2 s timeouts
	opts, host, sources := bootEnv(t)
	replaceSources(t, sources, map[string]string{"qh.container": notifyHealthyFile, "tq.container": healthTimeoutFile})
	sb := harness.Boot(t, opts)
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	sb.DumpOnFailure(t, "qh.service", "podunit-kl.service", "podunit-kn.service", "podunit-st.service", "podunit-nn.service", "tq.service")
	sb.Run(t, "systemctl", "start", "--no-block", "qh.service", "tq.service")
	names := []string{"kl", "kn", "st", "nn"}
	runAll(t, e, names, func(i int) []string {
		action, restart := [...]string{"kill", "kill", "stop", "none"}[i], [...]string{"always", "no", "always", "no"}[i]
		return []string{"run", "-d", "--name", names[i], "--stop-signal", "KILL", "--restart", restart,
			"--health-on-failure", action, "--health-cmd", "test -e /tmp/ok", "--health-interval", "1s",
			"--health-retries", "1", "bb", "sh", "-c", "touch /tmp/ok; exec sleep 600"}
	})
	checkNotifyHealthyUnit(t, e, "qh.service", "qh")
	checkGeneratedTimer(t, e, "qh")
	checkUnitStartupTimeouts(t, e)
	pids := map[string]string{}
	eventually(t, 30*time.Second, "kl, kn, st and nn to be healthy", func() bool {
		for _, name := range names {
			if e.field(name, "{{.State.Health.Status}}") != "healthy" {
				return false
			}
		}
		return true
	})
	for _, name := range names {
		pids[name] = e.field(name, "{{.State.Pid}}")
		e.must("exec", name, "sh", "-c", "rm /tmp/ok")
	}
	unit := func(name, prop string) string {
		return strings.TrimSpace(e.sh("systemctl show -P " + prop + " podunit-" + name + ".service"))
	}
	eventually(t, 30*time.Second, "kill with Restart=always to restart kl", func() bool {
		return unit("kl", "NRestarts") == "1" && e.field("kl", "{{.State.Status}} {{.State.Health.Status}}") == "running healthy"
	})
	if got := e.field("kl", "{{.State.Pid}}"); got == pids["kl"] {
		t.Errorf("kl kept pid %s", got)
	}
	eventually(t, 20*time.Second, "kill without a restart policy to end kn", func() bool {
		return e.field("kn", "{{.State.Status}}") == "exited"
	})
	eventually(t, 20*time.Second, "stop to stop st", func() bool { return e.field("st", "{{.State.Status}}") == "exited" })
	eventually(t, 20*time.Second, "none to mark nn unhealthy", func() bool {
		return e.field("nn", "{{.State.Health.Status}}") == "unhealthy"
	})
	checkUnitHealthKill(t, e, "qh.service", "qh") // some seconds: room for a wrong restart of kn, st or nn
	checkCLIHealthTimeouts(t, e)
	for _, name := range []string{"kn", "st"} {
		if got := e.field(name, "{{.State.Status}}") + " " + unit(name, "ActiveState") + " " + unit(name, "NRestarts"); !strings.HasPrefix(got, "exited ") || strings.HasSuffix(got, " active 0") || !strings.HasSuffix(got, " 0") {
			t.Errorf("%s after its failed check: status, unit, restarts %q; want exited, not active, 0", name, got)
		}
	}
	if got := e.field("nn", "{{.State.Status}} {{.State.Pid}} {{.State.Health.Status}}") + " " + unit("nn", "NRestarts"); got != "running "+pids["nn"]+" unhealthy 0" {
		t.Errorf("none: nn is %q, want running with pid %s, unhealthy, not restarted", got, pids["nn"])
	}
	sb.Run(t, "systemctl", "stop", "qh.service")
	if got := strings.TrimSpace(e.sh("systemctl is-active qh-healthcheck.timer || true")); got == "active" {
		t.Errorf("qh-healthcheck.timer is %s after its unit stopped", got)
	}
	checkUnitHealthTimeouts(t, e)
	checkExportedTimer(t, e)
}

// runAll runs podunit once per name at the same time, argv(i) for the
// i-th, and fails the test for each that does not exit 0.
func runAll(t *testing.T, e *defaultEnv, names []string, argv func(i int) []string) {
	t.Helper()
	res := make([]result, len(names))
	var wg sync.WaitGroup
	for i := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = e.run(argv(i)...)
		}()
	}
	wg.Wait()
	for i, r := range res {
		if r.code != 0 {
			t.Fatalf("podunit %s: exit %d\n%s", strings.Join(argv(i), " "), r.code, r.err)
		}
	}
}

// checkExportedTimer: generate systemd --files writes a container's timed
// check as its own timer and service, which run its checks once the
// container's unit is started, and stop with it.
func checkExportedTimer(t *testing.T, e *defaultEnv) {
	e.must("create", "--name", "gs", "--health-cmd", "true", "--health-interval", "1s", "bb", "sleep", "600")
	files := e.sh("cd /etc/systemd/system && " + e.bin + " generate systemd --files gs && systemctl daemon-reload")
	if !strings.Contains(files, "/container-gs-healthcheck.timer\n") || !strings.Contains(files, "/container-gs-healthcheck.service\n") {
		t.Errorf("generate systemd --files wrote:\n%s", files)
	}
	e.sb.Run(t, "systemctl", "start", "container-gs.service")
	timer := "container-gs-healthcheck.timer"
	// the timer's start job runs once the unit's has ended: soon after systemctl start returns
	eventually(t, 15*time.Second, timer+" to be active", func() bool {
		return strings.TrimSpace(e.sh("systemctl is-active "+timer+" || true")) == "active"
	})
	if got := e.sh("systemctl show -P FragmentPath " + timer); got != "/etc/systemd/system/"+timer+"\n" {
		t.Errorf("%s is not the written timer:\n%s", timer, got)
	}
	eventually(t, 15*time.Second, "gs's written timer to make it healthy", func() bool {
		return e.field("gs", "{{.State.Health.Status}}") == "healthy"
	})
	id := e.field("gs", "{{.Id}}")
	if got := strings.TrimSpace(e.sh("systemctl list-units --all --no-legend 'podunit-health-" + id + "*'")); got != "" {
		t.Errorf("a transient check timer runs besides the written one:\n%s", got)
	}
	e.sb.Run(t, "systemctl", "stop", "container-gs.service")
	if got := strings.TrimSpace(e.sh("systemctl is-active " + timer + " || true")); got == "active" {
		t.Errorf("%s is %s after its unit stopped", timer, got)
	}
}

// checkGeneratedTimer: the unit file container's checks run from the
// generated NAME-healthcheck.timer, not a transient one, and ps shows the
// container healthy.
func checkGeneratedTimer(t *testing.T, e *defaultEnv, name string) {
	checkGeneratedTimerUnit(t, e, name+"-healthcheck.timer", name+"-healthcheck.timer", name)
}

// checkGeneratedTimerUnit: container name's checks run from timer, loaded
// from the generated file fragment, not from a transient timer: it becomes
// healthy, which only a check makes it.
func checkGeneratedTimerUnit(t *testing.T, e *defaultEnv, timer, fragment, name string) {
	t.Helper()
	want := "active\n/run/systemd/generator/" + fragment + "\nno\n"
	eventually(t, 15*time.Second, timer+" to be active, from "+fragment, func() bool {
		return e.sh("systemctl show -P ActiveState,FragmentPath,Transient "+timer) == want
	})
	id := e.field(name, "{{.Id}}")
	if got := strings.TrimSpace(e.sh("systemctl list-units --all --no-legend 'podunit-health-" + id + "*'")); got != "" {
		t.Errorf("a transient check timer runs besides the generated one:\n%s", got)
	}
	eventually(t, 15*time.Second, name+" to be healthy", func() bool {
		return strings.Contains(e.must("ps", "--filter", "name="+name, "--format", "{{.Status}}"), "(healthy)")
	})
}

// checkNotifyHealthyUnit: unit (Notify=healthy) is activating until its
// container's check first passes, then active with the container healthy.
func checkNotifyHealthyUnit(t *testing.T, e *defaultEnv, unit, name string) {
	state := func() string { return strings.TrimSpace(e.sh("systemctl is-active " + unit + " || true")) }
	eventually(t, 30*time.Second, unit+" to be activating with "+name+" running, its check not passed", func() bool {
		r := e.run("inspect", "--format", "{{.State.Status}} {{.State.Health.Status}}", name)
		return state() == "activating" && strings.TrimSpace(r.out) == "running starting"
	})
	e.must("exec", name, "touch", "/tmp/go") // the check passes from now on
	eventually(t, 30*time.Second, unit+" to be active", func() bool { return state() == "active" })
	if got := e.field(name, "{{.State.Health.Status}}"); got != "healthy" {
		t.Errorf("%s is active while %s is %q", unit, name, got)
	}
}

// checkUnitHealthKill: the unit file's HealthOnFailure=kill kills the
// container whose check fails, Restart=always starts the unit again, and
// Notify=healthy holds it activating until the new container is healthy.
func checkUnitHealthKill(t *testing.T, e *defaultEnv, unit, name string) {
	e.must("exec", name, "sh", "-c", "rm /tmp/ok")
	eventually(t, 20*time.Second, "systemd to restart "+unit, func() bool {
		return strings.TrimSpace(e.sh("systemctl show -P NRestarts "+unit)) == "1"
	})
	checkNotifyHealthyUnit(t, e, unit, name)
	timer := strings.TrimSuffix(unit, ".service") + "-healthcheck.timer"
	if got := strings.TrimSpace(e.sh("systemctl is-active " + timer + " || true")); got != "active" {
		t.Errorf("after systemd restarted %s its check timer is %s", unit, got)
	}
}
