package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestUnderSystemd runs the process model of DESIGN.md under a real systemd,
// once with each runtime.
func TestUnderSystemd(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{})
	for _, rt := range []string{"crun", "runc"} {
		t.Run(rt, func(t *testing.T) {
			e := newEnv(t, sb, rt)
			e.image()
			t.Run("attached exit codes", func(t *testing.T) { checkExitCodes(t, e) })
			t.Run("detached container is the unit's main process", func(t *testing.T) { checkDetached(t, e) })
			t.Run("restart on failure", func(t *testing.T) { checkRestartOnFailure(t, e) })
			t.Run("stop through systemctl and podunit", func(t *testing.T) { checkStops(t, e) })
			t.Run("unit file runs a container with run --unit", func(t *testing.T) { checkUnitFile(t, e) })
			t.Run("missing command detached", func(t *testing.T) {
				e := e.on(t)
				r := e.run("run", "-d", "--name", "nocmd", "bb", "no-such-command")
				if r.code != 127 {
					t.Fatalf("run -d of a missing command: exit %d, want 127; stderr %q", r.code, r.err)
				}
				if got := e.field("nocmd", "{{.State.Status}} {{.State.ExitCode}}"); got != "exited 127" {
					t.Fatalf("inspect: %q", got)
				}
				e.must("rm", "nocmd")
			})
		})
	}
}

func checkDetached(t *testing.T, e *env) {
	e = e.on(t)
	unit := "podunit-web.service"
	e.sb.DumpOnFailure(t, unit)
	id := strings.TrimSpace(e.must("run", "-d", "--name", "web", "bb", "sh", "-c",
		"echo out-line; echo err-line >&2; exec sleep 600"))
	if len(id) != 64 {
		t.Fatalf("run -d printed %q, want a 64-character ID", id)
	}
	mainPID := strings.TrimSpace(e.sb.Run(t, "systemctl", "show", "-P", "MainPID", unit))
	if pid := e.field("web", "{{.State.Pid}}"); pid != mainPID || pid == "0" {
		t.Fatalf("MainPID %s, container init %s", mainPID, pid)
	}
	cg := e.sb.Run(t, "cat", "/proc/"+mainPID+"/cgroup")
	if !strings.Contains(cg, "/system.slice/"+unit+"/") {
		t.Fatalf("container init is not in the unit's cgroup:\n%s", cg)
	}
	if procs := leftoverTools(e); procs != "" {
		t.Fatalf("processes besides the container remain:\n%s", procs)
	}
	eventually(t, 10*time.Second, "output in the journal", func() bool {
		out, _, _, _ := e.sb.Exec("journalctl", "-u", unit, "-o", "cat", "--no-pager")
		return strings.Contains(out, "out-line") && strings.Contains(out, "err-line")
	})
	ident := e.sb.Run(t, "journalctl", "-u", unit, "-o", "verbose", "--no-pager", "--grep", "out-line")
	if !strings.Contains(ident, "SYSLOG_IDENTIFIER=web") {
		t.Fatalf("journal entry not identified by the container's name:\n%s", ident)
	}
	// stderr has a journal stream of its own (priority 3): logs splits them.
	r := e.run("logs", "web")
	if r.out != "out-line\n" || r.err != "err-line\n" {
		t.Fatalf("podunit logs: stdout %q stderr %q", r.out, r.err)
	}
	checkLogsTail(t, e)
	if out := e.must("logs", "--since", "2099-01-01T00:00:00Z", "web"); out != "" {
		t.Fatalf("logs --since the future printed %q", out)
	}
	e.must("rm", "-f", "-t", "0", "web")
	checkGone(t, e, id, unit)
}

// checkLogsTail: --tail N prints the last N lines (it printed the first N).
func checkLogsTail(t *testing.T, e *env) {
	e.must("run", "-d", "--name", "counter", "bb", "sh", "-c", "seq 1 5; exec sleep 600")
	eventually(t, 10*time.Second, "five lines in the journal", func() bool { return e.run("logs", "counter").out == "1\n2\n3\n4\n5\n" })
	if out := e.must("logs", "--tail", "2", "counter"); out != "4\n5\n" {
		t.Fatalf("logs --tail 2 printed %q, want the last two lines", out)
	}
	if out := e.must("logs", "--tail", "0", "counter"); out != "" {
		t.Fatalf("logs --tail 0 printed %q", out)
	}
	checkLogsTimes(t, e, "counter")
	e.must("rm", "-f", "-t", "0", "counter")
}

// leftoverTools lists podunit, crun, runc or conmon processes in the sandbox.
func leftoverTools(e *env) string {
	out := e.sh("for p in /proc/[0-9]*; do c=$(cat $p/comm 2>/dev/null); " +
		"case $c in podunit|crun|runc|conmon|runc:*) echo ${p#/proc/} $c;; esac; done")
	return strings.TrimSpace(out)
}

// checkGone proves a removed container left nothing: record, mount, runtime state, unit.
func checkGone(t *testing.T, e *env, id, unit string) {
	t.Helper()
	if r := e.run("container", "exists", id); r.code != 1 {
		t.Errorf("container exists after rm: exit %d", r.code)
	}
	if m := e.sh("grep -c " + id + " /proc/self/mountinfo || true"); strings.TrimSpace(m) != "0" {
		t.Errorf("mounts of %s remain: %s", id, m)
	}
	list := e.sh(fmt.Sprintf("%s --root %s/run/podunit/runtime/%s list", e.runtime, e.dir, e.runtime))
	if strings.Contains(list, id) {
		t.Errorf("runtime state remains:\n%s", list)
	}
	eventually(t, 10*time.Second, "unit "+unit+" unloaded", func() bool {
		out, _, _, _ := e.sb.Exec("systemctl", "show", "-P", "LoadState", unit)
		return strings.TrimSpace(out) == "not-found"
	})
}

func checkRestartOnFailure(t *testing.T, e *env) {
	e = e.on(t)
	unit := "podunit-flaky.service"
	e.sb.DumpOnFailure(t, unit)
	e.must("run", "-d", "--name", "flaky", "--restart", "on-failure", "bb", "sleep", "600")
	first := e.field("flaky", "{{.State.Pid}}")
	e.sh("kill -9 " + first)
	eventually(t, 20*time.Second, "systemd to restart the container", func() bool {
		out, _, _, _ := e.sb.Exec("systemctl", "show", "-P", "NRestarts", unit)
		pid := e.field("flaky", "{{.State.Pid}}")
		return strings.TrimSpace(out) == "1" && pid != first && pid != "0"
	})
	mainPID := strings.TrimSpace(e.sb.Run(t, "systemctl", "show", "-P", "MainPID", unit))
	if pid := e.field("flaky", "{{.State.Pid}} {{.State.Status}}"); pid != mainPID+" running" {
		t.Fatalf("after restart: inspect %q, MainPID %s", pid, mainPID)
	}
	e.must("rm", "-f", "-t", "0", "flaky")
}

func checkStops(t *testing.T, e *env) {
	e = e.on(t)
	unit := "podunit-svc.service"
	e.sb.DumpOnFailure(t, unit)
	e.must("run", "-d", "--name", "svc", "--stop-signal", "KILL", "bb", "sleep", "600")
	e.sb.Run(t, "systemctl", "stop", unit)
	assertStopped(t, e, "svc", unit, "137")
	e.must("start", "svc")
	e.sb.WaitActive(t, unit, "active", 10*time.Second)
	if st := e.field("svc", "{{.State.Status}}"); st != "running" {
		t.Fatalf("after start: %s", st)
	}
	e.must("stop", "svc")
	assertStopped(t, e, "svc", unit, "137")
	e.must("restart", "svc")
	if st := e.field("svc", "{{.State.Status}}"); st != "running" {
		t.Fatalf("after restart: %s", st)
	}
	e.must("rm", "-f", "svc")
}

func assertStopped(t *testing.T, e *env, name, unit, code string) {
	t.Helper()
	out, _, _, _ := e.sb.Exec("systemctl", "is-active", unit)
	if s := strings.TrimSpace(out); s == "active" || s == "activating" {
		t.Fatalf("systemctl is-active %s: %s", unit, s)
	}
	row := e.must("ps", "-a", "--filter", "name=^"+name+"$", "--format", "{{.Status}}")
	if !regexp.MustCompile(`^Exited \(` + code + `\) `).MatchString(row) {
		t.Fatalf("ps -a after stop: %q, want Exited (%s)", row, code)
	}
}

// checkUnitFile runs a container from a hand-written unit file, the way
// generated units do: run --unit in ExecStart=, cleanup in ExecStopPost=.
func checkUnitFile(t *testing.T, e *env) {
	e = e.on(t)
	unit := "hand-" + e.runtime + ".service"
	e.sb.DumpOnFailure(t, unit)
	podunit := e.bin + " " + strings.Join(e.globals(), " ")
	e.sh(fmt.Sprintf(`cat > /etc/systemd/system/%s <<'EOF'
[Service]
Type=notify
NotifyAccess=all
Delegate=yes
KillMode=mixed
KillSignal=SIGKILL
ExecStart=%s run --unit --replace --rm --name hand bb sh -c "echo in-unit; exec sleep 600"
ExecStopPost=%s container cleanup hand
EOF
systemctl daemon-reload`, unit, podunit, podunit))
	e.sb.Run(t, "systemctl", "start", unit)
	mainPID := strings.TrimSpace(e.sb.Run(t, "systemctl", "show", "-P", "MainPID", unit))
	if got := e.field("hand", "{{.State.Pid}} {{.State.Status}} {{.Unit}}"); got != mainPID+" running "+unit {
		t.Fatalf("inspect: %q, MainPID %s", got, mainPID)
	}
	e.sb.Run(t, "systemctl", "restart", unit)
	if pid := e.field("hand", "{{.State.Pid}}"); pid == mainPID {
		t.Fatalf("restart kept pid %s", pid)
	}
	e.sb.Run(t, "systemctl", "stop", unit)
	if r := e.run("container", "exists", "hand"); r.code != 1 {
		t.Fatalf("--rm container still exists after systemctl stop (exit %d)", r.code)
	}
}

// checkLogsTimes: --timestamps puts each line's time (RFC 3339, ns) before
// it, --until bounds the output, as podman-logs(1).
func checkLogsTimes(t *testing.T, e *env, name string) {
	out := e.must("logs", "-t", "--tail", "1", name)
	stamp, msg, _ := strings.Cut(strings.TrimSpace(out), " ")
	if ts, err := time.Parse(time.RFC3339Nano, stamp); err != nil || msg != "5" || time.Since(ts) > time.Hour {
		t.Errorf("logs -t --tail 1 printed %q (%v)", out, err)
	}
	if out := e.must("logs", "--until", "2000-01-01T00:00:00Z", name); out != "" {
		t.Errorf("logs --until the past printed %q", out)
	}
	if out := e.must("logs", "--until", "2099-01-01T00:00:00Z", name); out != "1\n2\n3\n4\n5\n" {
		t.Errorf("logs --until the future printed %q", out)
	}
}
