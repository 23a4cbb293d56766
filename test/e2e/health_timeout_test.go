package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// healthTimeoutFile is a .container whose checks hang (sleep 60) until a
// file says otherwise: its startup check until /tmp/up exists, its regular
// check once /tmp/hang does. HealthStartupTimeout= and HealthTimeout= cut
// them after 2 s, and HealthStartupRetries= has two timed out startup
// checks kill the container, which Restart=on-failure starts again.
const healthTimeoutFile = `[Container]
Image=bb
ContainerName=tq
HealthCmd=test ! -e /tmp/hang || sleep 60
HealthInterval=1s
HealthTimeout=2s
HealthRetries=2
HealthStartupCmd=test -e /tmp/up || sleep 60
HealthStartupInterval=1s
HealthStartupTimeout=2s
HealthStartupRetries=2
Exec=sleep 600
StopSignal=KILL

[Service]
Restart=on-failure
`

// timedOut is how a check that ran out of time shows in the health log.
const timedOut = "1 health check timed out after 2s"

// healthLog is name's health log, one "EXITCODE OUTPUT" line per result.
func healthLog(e *defaultEnv, name string) string {
	out := e.must("inspect", "--format", "{{range .State.Health.Log}}{{.ExitCode}} {{.Output}}\n{{end}}", name)
	return strings.TrimRight(out, "\n") + "\n"
}

// checkUnitStartupTimeouts: tq.service (healthTimeoutFile, started with
// the test's other units) gets its timeouts from the Quadlet keys; its
// startup check times out, counts as failed (exit 1, "timed out"), and
// after HealthStartupRetries= of them systemd restarts the unit. Then it
// lets the startup check pass and has the regular check hang, which
// checkUnitHealthTimeouts sees the outcome of, later in the test.
func checkUnitStartupTimeouts(t *testing.T, e *defaultEnv) {
	want := "2000000000 2000000000 2 2"
	if got := e.field("tq", "{{.Config.Healthcheck.Timeout}} {{.Config.StartupHealthCheck.Timeout}} {{.Config.StartupHealthCheck.Retries}} {{.Config.Healthcheck.Retries}}"); got != want {
		t.Errorf("tq's check settings from its keys: %q, want %q", got, want)
	}
	// the unit restarts every few seconds until the startup check passes: each state is polled for
	eventually(t, 60*time.Second, "tq's timed out startup checks to restart its unit, then to time out again", func() bool {
		r := e.run("inspect", "--format", "{{.State.Status}} {{.State.Health.Status}}\n{{range .State.Health.Log}}{{.ExitCode}} {{.Output}}\n{{end}}", "tq")
		return strings.TrimSpace(e.sh("systemctl show -P NRestarts tq.service")) >= "1" &&
			strings.HasPrefix(r.out, "running starting\n") && strings.Contains(r.out, "\n"+timedOut+"\n")
	})
	e.run("exec", "tq", "touch", "/tmp/up", "/tmp/hang") // may miss: a restart makes a new container, see below
}

// checkUnitHealthTimeouts: once tq's startup check passed, its regular
// check times out, counts as failed too and, HealthRetries= of them, makes
// the container unhealthy (only the regular check does), which
// (HealthOnFailure= none) keeps running.
func checkUnitHealthTimeouts(t *testing.T, e *defaultEnv) {
	eventually(t, 60*time.Second, "tq's timed out checks to make it unhealthy", func() bool {
		e.run("exec", "tq", "touch", "/tmp/up", "/tmp/hang") // in the container that runs now
		r := e.run("inspect", "--format", "{{.State.Status}} {{.State.Health.Status}} {{.State.Health.FailingStreak}}", "tq")
		f := strings.Fields(r.out)
		n := 0
		if len(f) == 3 {
			n, _ = strconv.Atoi(f[2])
		}
		return len(f) == 3 && f[0] == "running" && f[1] == "unhealthy" && n >= 2
	})
	log := healthLog(e, "tq")
	if lines := strings.Split(strings.TrimSpace(log), "\n"); lines[len(lines)-1] != timedOut {
		t.Errorf("tq's last result is not a timed out check:\n%s", log)
	}
	e.sb.Run(t, "systemctl", "stop", "tq.service")
}

// checkCLIHealthTimeouts: --health-startup-timeout and --health-timeout
// bound a run -d container's checks (run by hand here: interval disable,
// startup interval 1 h): a startup check and then a regular check that
// run too long exit 1, say "timed out" in the log, count as failed and
// leave nothing running in the container.
func checkCLIHealthTimeouts(t *testing.T, e *defaultEnv) {
	e.must("run", "-d", "--name", "tc", "--stop-signal", "KILL", "--health-cmd", "sleep 60", "--health-timeout", "2s",
		"--health-interval", "disable", "--health-retries", "1", "--health-startup-cmd", "test -e /tmp/up || sleep 60",
		"--health-startup-timeout", "2s", "--health-startup-interval", "1h", "bb", "sleep", "600")
	begin := time.Now()
	if r := e.run("healthcheck", "run", "tc"); r.code != 1 {
		t.Errorf("healthcheck run of a startup check that hangs: %+v, want exit 1", r)
	}
	if took := time.Since(begin); took > 30*time.Second {
		t.Errorf("healthcheck run of a startup check that hangs took %s, its timeout is 2s", took)
	}
	if log := healthLog(e, "tc"); !strings.Contains(log, timedOut+"\n") {
		t.Errorf("tc's log after its startup check timed out:\n%s", log)
	}
	e.must("exec", "tc", "touch", "/tmp/up")
	if r := e.run("healthcheck", "run", "tc"); r.code != 0 {
		t.Errorf("healthcheck run of a passing startup check: %+v", r)
	}
	if r := e.run("healthcheck", "run", "tc"); r.code != 1 {
		t.Errorf("healthcheck run of a check that hangs: %+v, want exit 1", r)
	}
	if got := e.field("tc", "{{.State.Health.Status}} {{.State.Health.FailingStreak}}"); got != "unhealthy 1" {
		t.Errorf("tc after its check timed out: %q, want unhealthy 1", got)
	}
	if log := healthLog(e, "tc"); !strings.HasSuffix(log, "\n"+timedOut+"\n") {
		t.Errorf("tc's log after its check timed out:\n%s", log)
	}
	ps := func() string { return e.must("exec", "tc", "ps", "-o", "pid,args") }
	leftOver := func(ps string) bool { return strings.Contains(strings.ReplaceAll(ps, "sleep 600", ""), "sleep 60") }
	deadline := time.Now().Add(20 * time.Second)
	for out := ps(); leftOver(out); out = ps() {
		if time.Now().After(deadline) {
			t.Fatalf("tc's timed out checks run on:\n%s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	e.must("rm", "-f", "-t", "0", "tc")
}
