package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestHealthUnderSystemd: a detached container's check runs from a
// transient timer with no podunit process in between; a check that starts
// failing makes it unhealthy after the retries, --health-on-failure=restart
// has systemd restart its unit (NRestarts), it is healthy again, and rm
// takes the timer away.
func TestHealthUnderSystemd(t *testing.T) {
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	e.image()
	id := strings.TrimSpace(e.must("run", "-d", "--name", "hc", "--health-cmd", `read x < /tmp/ok && [ "$x" = ok ]`,
		"--health-interval", "2s", "--health-retries", "2", "--health-on-failure", "restart",
		"bb", "sh", "-c", "echo ok > /tmp/ok; exec sleep 600"))
	sb.DumpOnFailure(t, "podunit-hc.service", "podunit-health-"+id+".timer", "podunit-health-"+id+".service")
	timer := "podunit-health-" + id + ".timer"
	if got := strings.TrimSpace(e.sh("systemctl is-active " + timer)); got != "active" {
		t.Fatalf("%s is %q while the container runs", timer, got)
	}
	health := func() string { return e.field("hc", "{{.State.Health.Status}} {{.State.Health.FailingStreak}}") }
	eventually(t, 15*time.Second, "the container to be healthy", func() bool { return health() == "healthy 0" })
	if ps := e.must("ps", "--format", "{{.Names}} {{.Status}}"); !strings.Contains(ps, "(healthy)") {
		t.Errorf("ps does not say healthy:\n%s", ps)
	}
	idle := false
	for i := 0; i < 20 && !idle; i++ {
		idle = strings.TrimSpace(e.sh("pgrep -x podunit || true")) == ""
		time.Sleep(100 * time.Millisecond)
	}
	if !idle {
		t.Error("a podunit process ran all the time between checks")
	}
	pid := e.field("hc", "{{.State.Pid}}")
	e.must("exec", "hc", "sh", "-c", "echo bad > /tmp/ok")
	eventually(t, 30*time.Second, "systemd to restart the unhealthy container", func() bool {
		return strings.TrimSpace(e.sh("systemctl show -P NRestarts podunit-hc.service")) == "1"
	})
	eventually(t, 15*time.Second, "the restarted container to be healthy", func() bool {
		return health() == "healthy 0" && e.field("hc", "{{.State.Pid}}") != pid
	})
	log := e.field("hc", "{{range .State.Health.Log}}{{.ExitCode}} {{end}}")
	if !strings.Contains(log, "0") {
		t.Errorf("health log %q", log)
	}
	if r := e.run("healthcheck", "run", "hc"); r.code != 0 {
		t.Errorf("healthcheck run: %+v", r)
	}
	e.must("stop", "hc")
	if got := strings.TrimSpace(e.sh("systemctl is-active " + timer + " || true")); got == "active" {
		t.Errorf("%s stays active after stop", timer)
	}
	e.must("start", "hc")
	if got := strings.TrimSpace(e.sh("systemctl is-active " + timer)); got != "active" {
		t.Errorf("%s is %q after start", timer, got)
	}
	e.must("rm", "-f", "hc")
	if got := strings.TrimSpace(e.sh("systemctl list-units --all --no-legend 'podunit-health-*'")); got != "" {
		t.Errorf("after rm the health units stay:\n%s", got)
	}
	checkHealthInUnitFile(t, e)
	checkNotifyHealthy(t, e)
	checkHealthInPod(t, e)
}

// checkHealthInPod: a pod member started by pod start (init, then
// release) gets its timer too.
func checkHealthInPod(t *testing.T, e *env) {
	e.must("pod", "create", "--name", "hp")
	id := strings.TrimSpace(e.must("create", "--pod", "hp", "--name", "hpm", "--health-cmd", "true",
		"--health-interval", "1s", "bb", "sleep", "600"))
	e.must("pod", "init", "hp")
	e.must("pod", "start", "hp")
	if got := strings.TrimSpace(e.sh("systemctl is-active podunit-health-" + id + ".timer || true")); got != "active" {
		t.Errorf("the pod member's check timer is %q", got)
	}
	eventually(t, 15*time.Second, "the pod member to be healthy", func() bool {
		return e.field("hpm", "{{.State.Health.Status}}") == "healthy"
	})
	e.must("pod", "rm", "-f", "hp")
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
	e.must("rm", "-f", "nh")
	handUnit(e, "never", "TimeoutStartSec=4", "--sdnotify healthy --health-cmd false --health-interval 1s bb sleep 600")
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
	if got := strings.TrimSpace(e.sh("systemctl is-active podunit-health-" + id + ".timer")); got != "active" {
		t.Errorf("the unit file's container has no active check timer: %q", got)
	}
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
