package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestPreparedStart: `pod start` makes the bundles of its members that
// systemd may restart (a --restart policy) itself and their units run
// podunit-start on them (engine/unit_prepared.go, engine/unitstart), as
// `run -d` and `start` do for such a container without a network of its
// own (members and containers without a restart policy start directly:
// TestDirectStart); a start systemd makes alone, a plan that is not the
// start's own, a unit name another unit holds and a terminal take the full
// unit-start. podunit-start reports the start to the command, which
// records it; a command that died leaves the plan and the record to the
// full unit-start.
func TestPreparedStart(t *testing.T) {
	// not parallel: kills the command inside a window of milliseconds
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	e.image()
	t.Run("members run podunit-start, recorded as unit-start records them", func(t *testing.T) { checkPreparedMembers(t, e) })
	t.Run("a restart by systemd takes the full unit-start", func(t *testing.T) { checkPreparedRestart(t, e) })
	t.Run("a failing member is named and leaves no mount", func(t *testing.T) { checkPreparedFailure(t, e) })
	t.Run("a unit name held by another unit: the full road", func(t *testing.T) { checkPreparedNameHeld(t, e) })
	t.Run("podunit-start without a command to report to runs the command after --", func(t *testing.T) { checkPreparedForeignPlan(t, e) })
	t.Run("run -d and start without a network of their own", func(t *testing.T) { checkPreparedDetached(t, e) })
	t.Run("the command killed as its plan is written: the start is recorded", func(t *testing.T) {
		checkPreparedCommandKilled(t, e, "pk", func(id string) string {
			return filepath.Join(e.runDir(), "podunit", "containers", id, "start.plan")
		})
	})
	t.Run("the command killed as the init is created: the start is recorded", func(t *testing.T) {
		checkPreparedCommandKilled(t, e, "pc", func(id string) string {
			return filepath.Join(e.runDir(), "podunit", "runtime", "crun", id) // the runtime's state: the command said go
		})
	})
	t.Run("the command killed as its unit goes active: nothing is left undone", func(t *testing.T) { checkPreparedKilledActive(t, e) })
}

// restarts is a restart policy: a container with one starts through
// podunit-start (one without starts directly).
var restarts = []string{"--restart", "on-failure"}

// noPlanLeft fails t where container id's bundle still holds a plan.
func noPlanLeft(t *testing.T, e *env, id string) {
	t.Helper()
	plan := filepath.Join(e.runDir(), "podunit", "containers", id, "start.plan")
	if _, err := os.Stat(plan); !os.IsNotExist(err) {
		t.Errorf("%s is left (%v)", plan, err)
	}
}

func checkPreparedMembers(t *testing.T, e *env) {
	e = e.on(t)
	e.sb.DumpOnFailure(t, "podunit-pp-m0.service", "podunit-pp-m1.service", "podunit-pp-m2.service")
	since := time.Now().Add(-time.Second).Format(time.RFC3339)
	newPodWith(e, "pp", restarts, "echo out-$(hostname); echo err-line >&2; exec sleep 600", "exec sleep 600", "exec sleep 600")
	e.must("pod", "start", "pp")
	for i := range 3 {
		m := fmt.Sprintf("pp-m%d", i)
		unit, id := "podunit-"+m+".service", e.field(m, "{{.ID}}")
		exec := unitProp(t, e, unit, "ExecStart")
		if !strings.Contains(exec, "/podunit-start ") || !strings.Contains(exec, " container unit-start "+id+" ") {
			t.Errorf("%s: ExecStart %s, want podunit-start before the full unit-start", unit, exec)
		}
		if st, pid, main := e.field(m, "{{.State.Status}}"), e.field(m, "{{.State.Pid}}"), unitProp(t, e, unit, "MainPID"); st != "running" || pid != main || pid == "0" {
			t.Errorf("%s: recorded %s with pid %s; the unit's main pid %s", m, st, pid, main)
		}
		if u := e.field(m, "{{.Unit}}"); u != unit {
			t.Errorf("%s: recorded unit %q", m, u)
		}
		noPlanLeft(t, e, id)
		// one start event per member, named after it
		starts := e.must("events", "--stream=false", "--since", since, "--filter", "container="+m, "--filter", "event=start", "--format", "{{.Status}} {{.Name}}")
		if starts != "start "+m+"\n" {
			t.Errorf("%s: start events %q", m, starts)
		}
	}
	// stdout and stderr reach the journal as unit-start's streams: apart
	eventually(t, 10*time.Second, "pp-m0's two lines in its logs", func() bool {
		r := e.run("logs", "pp-m0")
		return strings.Contains(r.out, "out-pp-host") && strings.Contains(r.err, "err-line") && !strings.Contains(r.out, "err-line")
	})
	if others := podCgroupStrangers(e, "pp"); others != "" {
		t.Fatalf("processes in the pod's slice besides the members':\n%s", others)
	}
	e.must("pod", "rm", "-f", "-t", "0", "pp")
}

func checkPreparedRestart(t *testing.T, e *env) {
	e = e.on(t)
	e.sb.DumpOnFailure(t, "podunit-pr-m0.service")
	e.must("pod", "create", "--name", "pr")
	t.Cleanup(func() { e.run("pod", "rm", "-f", "-t", "0", "pr") })
	// the first run exits 3; systemd runs the unit again, with no plan
	e.must("create", "--pod", "pr", "--name", "pr-m0", "--restart", "on-failure", "--stop-signal", "KILL", "bb",
		"sh", "-c", "if [ -e /again ]; then exec sleep 600; fi; touch /again; exit 3")
	id := e.field("pr-m0", "{{.ID}}")
	e.must("pod", "start", "pr")
	unit := "podunit-pr-m0.service"
	eventually(t, 20*time.Second, "pr-m0 restarted and running", func() bool {
		return unitProp(t, e, unit, "NRestarts") != "0" && unitProp(t, e, unit, "ActiveState") == "active" &&
			e.field("pr-m0", "{{.State.Status}}") == "running"
	})
	if pid, main := e.field("pr-m0", "{{.State.Pid}}"), unitProp(t, e, unit, "MainPID"); pid != main {
		t.Errorf("after the restart: recorded pid %s, the unit's main pid %s", pid, main)
	}
	if cmd := strings.TrimSpace(e.sh("cat /proc/" + unitProp(t, e, unit, "MainPID") + "/cmdline | tr '\\0' ' '")); cmd != "sleep 600" {
		t.Errorf("the restarted init runs %q", cmd)
	}
	noPlanLeft(t, e, id)
}

func checkPreparedFailure(t *testing.T, e *env) {
	e = e.on(t)
	noPlanLeft(t, e, checkFailingMember(t, e, "pf", restarts))
}

// checkFailingMember: in pod (made here, its members created with flags)
// a member whose command does not exist is named by `pod start` with the
// runtime's reason, recorded exited 127, and leaves its rootfs unmounted;
// the other member runs. It returns the failing member's ID.
func checkFailingMember(t *testing.T, e *env, pod string, flags []string) string {
	newPodWith(e, pod, flags, "exec sleep 600")
	bad := pod + "-bad"
	e.must(append(append([]string{"create", "--pod", pod, "--name", bad}, flags...), "bb", "/no-such-command")...)
	id := e.field(bad, "{{.ID}}")
	r := e.run("pod", "start", pod)
	if r.code != 125 || !strings.Contains(r.err, `"`+bad+`"`) || !strings.Contains(r.err, "/no-such-command") {
		t.Fatalf("pod start with a bad member: exit %d, stderr %q", r.code, r.err)
	}
	if st, code := e.field(bad, "{{.State.Status}}"), e.field(bad, "{{.State.ExitCode}}"); st != "exited" || code != "127" {
		t.Errorf("%s: %s, exit code %s", bad, st, code)
	}
	eventually(t, 10*time.Second, bad+"'s rootfs unmounted", func() bool {
		return strings.TrimSpace(e.sh("grep -c -e "+id+" /proc/self/mountinfo || true")) == "0"
	})
	if st := e.field(pod+"-m0", "{{.State.Status}}"); st != "running" {
		t.Errorf("%s-m0: %s", pod, st)
	}
	return id
}

func checkPreparedNameHeld(t *testing.T, e *env) {
	e = e.on(t)
	id, unit := checkUnitNameHeld(t, e, "ph", restarts)
	if exec := unitProp(t, e, unit, "ExecStart"); strings.Contains(exec, "podunit-start") {
		t.Errorf("%s: ExecStart %s, want the full unit-start", unit, exec)
	}
	noPlanLeft(t, e, id)
}

// checkUnitNameHeld: pod's member m0 (created with flags), whose unit name
// another unit holds, runs in the unit named by its ID, on the full
// unit-start, recorded running with its main pid. It returns the member's
// ID and unit.
func checkUnitNameHeld(t *testing.T, e *env, pod string, flags []string) (string, string) {
	m := pod + "-m0"
	e.sb.Run(t, "systemd-run", "--quiet", "--unit", "podunit-"+m+".service", "sleep", "600")
	t.Cleanup(func() {
		e.run("pod", "rm", "-f", "-t", "0", pod)
		e.sh("systemctl stop podunit-" + m + ".service || true")
	})
	newPodWith(e, pod, flags, "exec sleep 600")
	id := e.field(m, "{{.ID}}")
	e.must("pod", "start", pod)
	unit := e.field(m, "{{.Unit}}")
	if unit != "podunit-"+id+".service" {
		t.Fatalf("%s runs in %q, want the unit named by its ID", m, unit)
	}
	if exec := unitProp(t, e, unit, "ExecStart"); !strings.Contains(exec, " container unit-start "+id+" ") {
		t.Errorf("%s: ExecStart %s, want the full unit-start", unit, exec)
	}
	if st, pid, main := e.field(m, "{{.State.Status}}"), e.field(m, "{{.State.Pid}}"), unitProp(t, e, unit, "MainPID"); st != "running" || pid != main {
		t.Errorf("%s: %s, pid %s, the unit's main pid %s", m, st, pid, main)
	}
	return id, unit
}

func checkPreparedForeignPlan(t *testing.T, e *env) {
	e = e.on(t)
	dir := harness.TempDir(t)
	bundle, locks := filepath.Join(dir, "bundle"), filepath.Join(dir, "locks")
	if err := os.MkdirAll(bundle, 0o700); err != nil {
		t.Fatal(err)
	}
	plan := filepath.Join(bundle, "start.plan")
	helper := filepath.Join(filepath.Dir(e.bin), "podunit-start")
	for _, tc := range []struct{ what, plan string }{
		{"another start's plan", `{"Nonce":"aaaa","ID":"feed","Bundle":"` + bundle + `"}`},
		{"a damaged plan", `{"Nonce":`},
		{"no plan", ""},
	} {
		if tc.plan != "" {
			if err := os.WriteFile(plan, []byte(tc.plan), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		// no command listens for nonce bbbb: the full road gets the plan's
		// nonce, and the plan is left to it (unit-start takes its own)
		out := e.sh(helper + " bbbb " + plan + " " + locks + " -- /bin/sh -c 'echo full road for $0 plan=$PODUNIT_START_PLAN' feed")
		if out != "full road for feed plan=bbbb\n" {
			t.Errorf("%s: podunit-start printed %q", tc.what, out)
		}
		if _, err := os.Stat(plan); (err == nil) != (tc.plan != "") {
			t.Errorf("%s: the plan is not left as it was (%v)", tc.what, err)
		}
		_ = os.Remove(plan)
	}
	if r := e.sh(helper + " only-two-words x; echo exit=$?"); !strings.Contains(r, "usage") || !strings.HasSuffix(r, "exit=125\n") {
		t.Errorf("podunit-start without its arguments: %q", r)
	}
}

func checkPreparedDetached(t *testing.T, e *env) {
	e = e.on(t)
	e.sb.DumpOnFailure(t, "podunit-pd-none.service", "podunit-pd-host.service")
	for _, nw := range []string{"none", "host"} {
		name := "pd-" + nw
		e.must("run", "-d", "--name", name, "--network", nw, "--stop-signal", "KILL", "--restart", "on-failure", "bb", "sh", "-c", "echo up-"+nw+"; exec sleep 600")
		unit, id := "podunit-"+name+".service", e.field(name, "{{.ID}}")
		if exec := unitProp(t, e, unit, "ExecStart"); !strings.Contains(exec, "/podunit-start ") {
			t.Errorf("%s: ExecStart %s, want podunit-start", unit, exec)
		}
		if cg := unitProp(t, e, unit, "ControlGroup"); cg != "/system.slice/"+unit {
			t.Errorf("%s: cgroup %s", unit, cg)
		}
		if st, pid, main := e.field(name, "{{.State.Status}}"), e.field(name, "{{.State.Pid}}"), unitProp(t, e, unit, "MainPID"); st != "running" || pid != main {
			t.Errorf("%s: %s, pid %s, the unit's main pid %s", name, st, pid, main)
		}
		eventually(t, 10*time.Second, name+"'s output in its logs", func() bool {
			return strings.Contains(e.run("logs", name).out, "up-"+nw)
		})
		noPlanLeft(t, e, id)
		// stop, then start again: the start prepares anew
		e.must("stop", name)
		e.must("start", name)
		if st, pid, main := e.field(name, "{{.State.Status}}"), e.field(name, "{{.State.Pid}}"), unitProp(t, e, unit, "MainPID"); st != "running" || pid != main {
			t.Errorf("%s started again: %s, pid %s, the unit's main pid %s", name, st, pid, main)
		}
		e.must("rm", "-f", "-t", "0", name)
	}
	// a terminal's keeper lives in the unit: the full unit-start
	harness.BuildCommand(t, "podunit-console") // beside podunit, where unit-start finds it
	e.must("run", "-dt", "--name", "pd-tty", "bb", "sleep", "600")
	if exec := unitProp(t, e, "podunit-pd-tty.service", "ExecStart"); strings.Contains(exec, "podunit-start") {
		t.Errorf("a -t container's ExecStart %s", exec)
	}
	e.must("rm", "-f", "-t", "0", "pd-tty")
}

// checkPreparedCommandKilled: `start` SIGKILLed once the file at
// killAt(ID) appears (its plan: podunit-start then finds no command to
// report to, or one gone before it answers; the runtime's state of the init
// podunit-start creates: the command is gone before it answers the report)
// still leaves a container recorded running with the unit's main pid, as
// the unit runs it (the full unit-start, handed the plan), its `start`
// event and health timer, and a stop that cleans up after it.
func checkPreparedCommandKilled(t *testing.T, e *env, name string, killAt func(id string) string) {
	e = e.on(t)
	unit := "podunit-" + name + ".service"
	e.sb.DumpOnFailure(t, unit)
	e.must("create", "--name", name, "--network", "none", "--stop-signal", "KILL", "--restart", "on-failure", "--health-cmd", "true",
		"--health-interval", "1h", "bb", "sh", "-c", "echo up-"+name+"; exec sleep 600")
	t.Cleanup(func() { e.run("rm", "-f", "-t", "0", name) })
	id := e.field(name, "{{.ID}}")
	// The shell's poll may miss the file's short life on a busy machine,
	// and the command then ends before the kill: that start is stopped and
	// the kill tried again, a few times.
	var since, out string
	for try := 0; try < 5 && !strings.HasSuffix(out, "exit=137\n"); try++ {
		if try > 0 {
			t.Logf("try %d: the command ended before the kill (%q); again", try, out)
			e.must("stop", "-t", "0", name)
			time.Sleep(2 * time.Second) // its start event before since
		}
		since = time.Now().Add(-time.Second).Format(time.RFC3339)
		out = e.sh(e.shellLine("start", name) + " >/dev/null 2>&1 & cmd=$!\n" +
			"i=0; while [ ! -e " + killAt(id) + " ] && [ $i -lt 500000 ]; do i=$((i+1)); done\n" +
			"kill -9 $cmd; wait $cmd; echo exit=$?")
	}
	if !strings.HasSuffix(out, "exit=137\n") { // after the shell's "Killed"
		t.Fatalf("the killed start: %q (%s never appeared, or the command ended first, five times)", out, killAt(id))
	}
	eventually(t, 20*time.Second, name+" running, as its unit", func() bool {
		return unitProp(t, e, unit, "ActiveState") == "active" && e.field(name, "{{.State.Status}}") == "running"
	})
	if pid, main := e.field(name, "{{.State.Pid}}"), unitProp(t, e, unit, "MainPID"); pid != main || pid == "0" {
		t.Errorf("%s: recorded pid %s, the unit's main pid %s", name, pid, main)
	}
	eventually(t, 10*time.Second, name+"'s output in its logs", func() bool {
		return strings.Contains(e.run("logs", name).out, "up-"+name)
	})
	noPlanLeft(t, e, id)
	// what the command would have done after the start: its event, the
	// health check's timer
	if starts := e.must("events", "--stream=false", "--since", since, "--filter", "container="+name, "--filter", "event=start",
		"--format", "{{.Status}}"); starts != "start\n" {
		t.Errorf("%s's start events: %q", name, starts)
	}
	if st := unitProp(t, e, "podunit-health-"+id+".timer", "ActiveState"); st != "active" {
		t.Errorf("%s's health timer: %s", name, st)
	}
	e.must("stop", name)
	if st := e.field(name, "{{.State.Status}}"); st != "exited" {
		t.Errorf("%s after stop: %s", name, st)
	}
	eventually(t, 10*time.Second, name+"'s rootfs unmounted", func() bool {
		return strings.TrimSpace(e.sh("grep -c -e "+id+" /proc/self/mountinfo || true")) == "0"
	})
}

// checkPreparedKilledActive: what follows a start reported by podunit-start
// (the record, the `start` event, the health check's timer) is done before
// the unit goes active, so `start` SIGKILLed the moment its unit is active
// leaves none of it undone. The timer's activation before the unit's shows
// that order however soon the kill comes.
func checkPreparedKilledActive(t *testing.T, e *env) {
	e = e.on(t)
	e.sb.DumpOnFailure(t, "podunit-pa.service")
	since := time.Now().Add(-time.Second).Format(time.RFC3339)
	e.must("create", "--name", "pa", "--network", "none", "--stop-signal", "KILL", "--restart", "on-failure", "--health-cmd", "true",
		"--health-interval", "1h", "bb", "sleep", "600")
	t.Cleanup(func() { e.run("rm", "-f", "-t", "0", "pa") })
	id, unit := e.field("pa", "{{.ID}}"), "podunit-pa.service"
	timer := "podunit-health-" + id + ".timer"
	out := e.sh(e.shellLine("start", "pa") + " >/dev/null 2>&1 & cmd=$!\n" +
		"i=0; until systemctl is-active -q " + unit + " || [ $i -ge 20000 ]; do i=$((i+1)); done\n" +
		"kill -9 $cmd 2>/dev/null; wait $cmd; echo exit=$?")
	if !strings.HasSuffix(out, "exit=137\n") && !strings.HasSuffix(out, "exit=0\n") {
		t.Fatalf("the start: %q", out)
	}
	if st := unitProp(t, e, unit, "ActiveState"); st != "active" {
		t.Fatalf("%s: %s", unit, st)
	}
	if st, pid, main := e.field("pa", "{{.State.Status}}"), e.field("pa", "{{.State.Pid}}"), unitProp(t, e, unit, "MainPID"); st != "running" || pid != main {
		t.Errorf("pa: recorded %s with pid %s; the unit's main pid %s", st, pid, main)
	}
	if st := unitProp(t, e, timer, "ActiveState"); st != "active" {
		t.Errorf("pa's health timer: %s", st)
	}
	timerUp, _ := strconv.ParseUint(unitProp(t, e, timer, "ActiveEnterTimestampMonotonic"), 10, 64)
	unitUp, _ := strconv.ParseUint(unitProp(t, e, unit, "ActiveEnterTimestampMonotonic"), 10, 64)
	if timerUp == 0 || unitUp == 0 || timerUp > unitUp {
		t.Errorf("pa's health timer went active at %d µs, its unit at %d: the timer must come first", timerUp, unitUp)
	}
	if starts := e.must("events", "--stream=false", "--since", since, "--filter", "container=pa", "--filter", "event=start",
		"--format", "{{.Status}}"); starts != "start\n" {
		t.Errorf("pa's start events: %q", starts)
	}
	noPlanLeft(t, e, id)
}
