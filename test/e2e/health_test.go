package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// gatedCheck is hc's check: it passes while /tmp/ok says ok, and once
// /tmp/gated exists each check first waits (touching /tmp/waiting) until it
// can take a /tmp/token, so that the test lets exactly one check through
// at a time and the state in between holds still (a timer's next check
// only starts once the last ended). The container's command opens the gate
// at each start: a restart keeps the container's files.
const gatedCheck = `test -e /tmp/gated && until rm /tmp/token 2>/dev/null; do touch /tmp/waiting; sleep 0.1; done; ` +
	`read x < /tmp/ok && [ "$x" = ok ]`

// TestHealthUnderSystemd: a detached container's check runs from a
// transient timer with no podunit process in between; a check that starts
// failing leaves it running with a failing streak of 1 (retries 2), the
// second makes it unhealthy, --health-on-failure=restart has systemd
// restart its unit (NRestarts), it is healthy again, and rm takes the
// timer away.
func TestHealthUnderSystemd(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	e.image()
	id := strings.TrimSpace(e.must("run", "-d", "--name", "hc", "--health-cmd", gatedCheck,
		"--health-interval", "1s", "--health-retries", "2", "--health-timeout", "120s", "--health-on-failure", "restart",
		"--health-log-destination", "events_logger", "bb", "sh", "-c", "rm -f /tmp/gated /tmp/token; echo ok > /tmp/ok; exec sleep 600"))
	sb.DumpOnFailure(t, "podunit-hc.service", "podunit-health-"+id+".timer", "podunit-health-"+id+".service")
	timer := "podunit-health-" + id + ".timer"
	if got := strings.TrimSpace(e.sh("systemctl is-active " + timer)); got != "active" {
		t.Fatalf("%s is %q while the container runs", timer, got)
	}
	health := func() string { return e.field("hc", "{{.State.Health.Status}} {{.State.Health.FailingStreak}}") }
	eventually(t, 30*time.Second, "the container to be healthy", func() bool { return health() == "healthy 0" })
	if ps := e.must("ps", "--format", "{{.Names}} {{.Status}}"); !strings.Contains(ps, "(healthy)") {
		t.Errorf("ps does not say healthy:\n%s", ps)
	}
	idle := false
	for i := 0; i < 40 && !idle; i++ {
		idle = strings.TrimSpace(e.sh("pgrep -x podunit || true")) == ""
		time.Sleep(50 * time.Millisecond)
	}
	if !idle {
		t.Error("a podunit process ran all the time between checks")
	}
	pid := e.field("hc", "{{.State.Pid}}")
	checkFailingStreak(t, e, pid)
	eventually(t, 60*time.Second, "systemd to restart the unhealthy container", func() bool {
		return strings.TrimSpace(e.sh("systemctl show -P NRestarts podunit-hc.service")) == "1"
	})
	eventually(t, 30*time.Second, "the restarted container to be healthy", func() bool {
		return health() == "healthy 0" && e.field("hc", "{{.State.Pid}}") != pid
	})
	events := e.must("events", "--stream=false", "--filter", "container=hc", "--filter", "event=health_status",
		"--format", `{{index .Attributes "health_status"}}`)
	if !strings.Contains(events, "healthy\nunhealthy\n") || strings.Count(events, "unhealthy") != 1 {
		t.Errorf("the health_status events: want healthy ones, one unhealthy (the second failure), then healthy ones:\n%s", events)
	}
	log := e.field("hc", "{{range .State.Health.Log}}{{.ExitCode}} {{end}}")
	if !strings.Contains(log, "0") {
		t.Errorf("health log %q", log)
	}
	if r := e.run("healthcheck", "run", "hc"); r.code != 0 {
		t.Errorf("healthcheck run: %+v", r)
	}
	e.must("stop", "-t", "0", "hc") // sleep as PID 1 ignores SIGTERM: the stop itself is not checked here
	if got := strings.TrimSpace(e.sh("systemctl is-active " + timer + " || true")); got == "active" {
		t.Errorf("%s stays active after stop", timer)
	}
	e.must("start", "hc")
	if got := strings.TrimSpace(e.sh("systemctl is-active " + timer)); got != "active" {
		t.Errorf("%s is %q after start", timer, got)
	}
	e.must("rm", "-f", "-t", "0", "hc")
	if got := strings.TrimSpace(e.sh("systemctl list-units --all --no-legend 'podunit-health-*'")); got != "" {
		t.Errorf("after rm the health units stay:\n%s", got)
	}
	checkHealthInUnitFile(t, e)
	checkNotifyHealthy(t, e)
	checkHealthInPod(t, e)
}

// checkFailingStreak lets hc's checks through one at a time (gatedCheck):
// the first failing check leaves hc running, healthy, with a failing
// streak of 1 and its unit not restarted; then it lets the second through.
func checkFailingStreak(t *testing.T, e *env, pid string) {
	e.must("exec", "hc", "touch", "/tmp/gated")
	eventually(t, 60*time.Second, "a check to wait at the gate", func() bool {
		return e.run("exec", "hc", "test", "-e", "/tmp/waiting").code == 0
	})
	e.must("exec", "hc", "sh", "-c", "echo bad > /tmp/ok; touch /tmp/token") // one failing check
	want := "running " + pid + " healthy 1"
	eventually(t, 60*time.Second, "the first failing check to be counted", func() bool {
		return e.field("hc", "{{.State.Status}} {{.State.Pid}} {{.State.Health.Status}} {{.State.Health.FailingStreak}}") == want
	})
	if got := strings.TrimSpace(e.sh("systemctl show -P NRestarts,ActiveState podunit-hc.service")); got != "0\nactive" {
		t.Errorf("after one failing check (of 2 retries) the unit: %q, want 0 restarts, active", got)
	}
	if got := e.field("hc", "{{.State.Status}} {{.State.Pid}} {{.State.Health.Status}} {{.State.Health.FailingStreak}}"); got != want {
		t.Errorf("after one failing check, while the next waits: %q, want %q", got, want)
	}
	e.must("exec", "hc", "touch", "/tmp/token") // the second: unhealthy, restart
}

// checkHealthInPod: a pod member started by pod start (init, then
// release) gets its timer too.
func checkHealthInPod(t *testing.T, e *env) {
	e.must("pod", "create", "--name", "hp")
	id := strings.TrimSpace(e.must("create", "--pod", "hp", "--name", "hpm", "--health-cmd", "true",
		"--health-interval", "1s", "bb", "sleep", "600"))
	e.must("pod", "init", "hp")
	e.must("pod", "start", "hp")
	// the units pod start makes run the hot-path podunit
	for _, u := range []string{"podunit-hpm.service", "podunit-health-" + id + ".service"} {
		if got := e.sh("systemctl show -P ExecStart " + u); !strings.Contains(got, "path="+e.bin+" ") {
			t.Errorf("%s runs %q, want %s (the hot-path binary)", u, got, e.bin)
		}
	}
	if got := strings.TrimSpace(e.sh("systemctl is-active podunit-health-" + id + ".timer || true")); got != "active" {
		t.Errorf("the pod member's check timer is %q", got)
	}
	eventually(t, 15*time.Second, "the pod member to be healthy", func() bool {
		return e.field("hpm", "{{.State.Health.Status}}") == "healthy"
	})
	e.must("pod", "rm", "-f", "-t", "0", "hp")
}

// checkNotifyHealthy: with --sdnotify=healthy the start returns only once
// the first check passes, and a unit whose check never passes fails to start.
func checkNotifyHealthy(t *testing.T, e *env) {
	begin := time.Now()
	e.must("run", "-d", "--name", "nh", "--sdnotify", "healthy", "--health-cmd", "read x < /tmp/ok",
		"--health-interval", "30s", "bb", "sh", "-c", "sleep 3; echo ok > /tmp/ok; exec sleep 600")
	if took := time.Since(begin); took < 3*time.Second {
		t.Errorf("run -d --sdnotify=healthy returned after %s, before the check could pass", took)
	}
	if got := e.field("nh", "{{.State.Health.Status}}"); got != "healthy" {
		t.Errorf("after run -d --sdnotify=healthy the container is %q", got)
	}
	e.must("rm", "-f", "-t", "0", "nh")
	// SIGKILL: else the start timeout's stop waited the default 90 s for sleep, which ignores SIGTERM
	handUnit(e, "never", "TimeoutStartSec=4\nKillSignal=SIGKILL", "--sdnotify healthy --health-cmd false --health-interval 1s bb sleep 600")
	if _, _, code, _ := e.sb.Exec("systemctl", "start", "never.service"); code == 0 {
		t.Error("a unit whose check never passes started")
	}
	if got := strings.TrimSpace(e.sh("systemctl is-active never.service || true")); got != "failed" {
		t.Errorf("never.service is %q, want failed", got)
	}
}

// checkHealthInUnitFile: a unit file's `run --unit` starts the check's
// timer from inside its unit, and the --rm container's removal at
// systemctl stop takes it away.
func checkHealthInUnitFile(t *testing.T, e *env) {
	handUnit(e, "hcu", "KillSignal=SIGKILL", "--health-cmd true --health-interval 1s bb sleep 600")
	e.sb.DumpOnFailure(t, "hcu.service")
	e.sb.Run(t, "systemctl", "start", "hcu.service")
	id := e.field("hcu", "{{.Id}}")
	// the unit starts the timer right after READY=1 (startReady), so
	// systemctl start may return a moment before it is active
	eventually(t, 5*time.Second, "the unit file's container's check timer to be active", func() bool {
		return strings.TrimSpace(e.sh("systemctl is-active podunit-health-"+id+".timer || true")) == "active"
	})
	eventually(t, 15*time.Second, "the unit file's container to be healthy", func() bool {
		return e.field("hcu", "{{.State.Health.Status}}") == "healthy"
	})
	e.sb.Run(t, "systemctl", "stop", "hcu.service")
	if got := strings.TrimSpace(e.sh("systemctl list-units --all --no-legend 'podunit-health-*'")); got != "" {
		t.Errorf("after the --rm container's removal the health units stay:\n%s", got)
	}
}

// handUnit writes /etc/systemd/system/NAME.service running `podunit run
// --unit --replace --rm --name NAME ARGS` with the extra [Service] line.
func handUnit(e *env, name, extra, args string) {
	podunit := e.bin + " " + strings.Join(e.globals(), " ")
	e.sh(fmt.Sprintf(`cat > /etc/systemd/system/%s.service <<'EOF'
[Service]
Type=notify
NotifyAccess=all
Delegate=yes
KillMode=mixed
%s
ExecStart=%s run --unit --replace --rm --name %s %s
ExecStopPost=%s container cleanup %s
EOF
systemctl daemon-reload`, name, extra, podunit, name, args, podunit, name))
}
