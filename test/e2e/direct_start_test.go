package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestDirectStart: a member of a pod that `pod start` brings up, or a
// container without a network of its own that `run -d` or `start` starts,
// with no restart policy, runs in a unit whose ExecStart= is the runtime's
// create (engine/unit_direct.go): no process of podunit's in the unit. The
// command records the init and releases it. Its stderr reaches the journal
// apart from stdout; a create that fails is named with the runtime's reason
// and leaves nothing mounted; a restart systemd makes by itself runs the
// full unit-start; a command killed once the unit is active leaves a start
// the next `start` finishes.
func TestDirectStart(t *testing.T) {
	// not parallel: kills the command inside a window of milliseconds
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	e.image()
	t.Run("members run the runtime's create, recorded running", func(t *testing.T) { checkDirectMembers(t, e) })
	t.Run("a failing create is named and leaves no mount", func(t *testing.T) { checkDirectFailure(t, e) })
	t.Run("a restart by systemd takes the full unit-start", func(t *testing.T) { checkDirectSystemdRestart(t, e) })
	t.Run("a unit name held by another unit: the full road", func(t *testing.T) { checkDirectNameHeld(t, e) })
	t.Run("run -d and start without a network of their own", func(t *testing.T) { checkDirectDetached(t, e) })
	t.Run("the command killed as its unit goes active: start finishes it", func(t *testing.T) { checkDirectKilledActive(t, e) })
	t.Run("the command killed as its unit goes active: stop ends the init", func(t *testing.T) { checkDirectKilledStop(t, e) })
	t.Run("the command killed before it queues the unit: the rootfs mounted once", func(t *testing.T) { checkDirectKilledEarly(t, e) })
	t.Run("a stop while the start waits for its unit stops what the start left", func(t *testing.T) { checkDirectStopDuringStart(t, e) })
	t.Run("an rm while the start waits for its unit waits for the start", func(t *testing.T) { checkDirectRemoveDuringStart(t, e) })
	t.Run("an attached start while the start waits for its unit finds it running", func(t *testing.T) { checkDirectAttachDuringStart(t, e) })
	t.Run("exec and kill while the start waits for its unit reach its init", func(t *testing.T) { checkDirectVerbsDuringStart(t, e) })
	t.Run("a wait while the start waits for its unit waits for that run", func(t *testing.T) { checkDirectWaitDuringStart(t, e) })
	t.Run("--lock-timeout ends a wait for a start, naming it", func(t *testing.T) { checkDirectStartLockTimeout(t, e) })
}

// checkDirectUnit fails t unless container name runs in unit as a direct
// start: the runtime's create as ExecStart= (through the bundle's link,
// gone once the start is done), Type=forking, and the record running with
// the unit's main pid.
func checkDirectUnit(t *testing.T, e *env, name, unit string) {
	t.Helper()
	id := e.field(name, "{{.ID}}")
	exec := unitProp(t, e, unit, "ExecStart")
	script := regexp.QuoteMeta(filepath.Join(e.runDir(), "podunit", "scripts")) + "/podunit-direct-start-[0-9a-f]{8} "
	if !strings.Contains(exec, "path=/bin/sh ;") || !regexp.MustCompile("argv\\[\\]=/bin/sh "+script).MatchString(exec) ||
		!regexp.MustCompile("/"+id+`/runtime-exe\.[0-9a-f]{12} `).MatchString(exec) || !strings.Contains(exec, " container unit-start "+id+" ;") {
		t.Errorf("%s: ExecStart %s, want the runtime's create, the full unit-start after it", unit, exec)
	}
	if typ := unitProp(t, e, unit, "Type"); typ != "forking" {
		t.Errorf("%s: Type=%s", unit, typ)
	}
	if st, pid, main := e.field(name, "{{.State.Status}}"), e.field(name, "{{.State.Pid}}"), unitProp(t, e, unit, "MainPID"); st != "running" || pid != main || pid == "0" {
		t.Errorf("%s: recorded %s with pid %s; the unit's main pid %s", name, st, pid, main)
	}
	if u := e.field(name, "{{.Unit}}"); u != unit {
		t.Errorf("%s: recorded unit %q", name, u)
	}
	links, _ := filepath.Glob(filepath.Join(e.runDir(), "podunit", "containers", id, "runtime-exe*"))
	if len(links) > 0 {
		t.Errorf("%v left after the start", links)
	}
}

func checkDirectMembers(t *testing.T, e *env) {
	e = e.on(t)
	e.sb.DumpOnFailure(t, "podunit-dm-m0.service", "podunit-dm-m1.service", "podunit-dm-m2.service")
	since := time.Now().Add(-time.Second).Format(time.RFC3339)
	newPod(e, "dm", "echo out-$(hostname); echo err-line >&2; exec sleep 600", "exec sleep 600", "exec sleep 600")
	e.must("pod", "start", "dm")
	for i := range 3 {
		m := fmt.Sprintf("dm-m%d", i)
		checkDirectUnit(t, e, m, "podunit-"+m+".service")
		starts := e.must("events", "--stream=false", "--since", since, "--filter", "container="+m, "--filter", "event=start", "--format", "{{.Status}} {{.Name}}")
		if starts != "start "+m+"\n" {
			t.Errorf("%s: start events %q", m, starts)
		}
	}
	// stdout is the unit's stream; stderr the one the command handed it
	eventually(t, 10*time.Second, "dm-m0's two lines in its logs, apart", func() bool {
		r := e.run("logs", "dm-m0")
		return strings.Contains(r.out, "out-dm-host") && strings.Contains(r.err, "err-line") && !strings.Contains(r.out, "err-line")
	})
	if others := podCgroupStrangers(e, "dm"); others != "" {
		t.Fatalf("processes in the pod's slice besides the members':\n%s", others)
	}
	e.must("pod", "stop", "-t", "0", "dm")
	for i := range 3 {
		if st := e.field(fmt.Sprintf("dm-m%d", i), "{{.State.Status}}"); st != "exited" {
			t.Errorf("dm-m%d after pod stop: %s", i, st)
		}
	}
	e.must("pod", "start", "dm") // again, on bundles made anew
	checkDirectUnit(t, e, "dm-m1", "podunit-dm-m1.service")
	e.must("pod", "rm", "-f", "-t", "0", "dm")
}

func checkDirectFailure(t *testing.T, e *env) {
	e = e.on(t)
	id := checkFailingMember(t, e, "df", nil)
	if _, err := os.Stat(filepath.Join(e.runDir(), "podunit", "containers", id)); !os.IsNotExist(err) {
		t.Errorf("df-bad's bundle is left (%v)", err)
	}
	checkDirectUnit(t, e, "df-m0", "podunit-df-m0.service")
	// the same through start: its own exit code
	if r := e.run("start", "df-bad"); r.code != 127 || !strings.Contains(r.err, "/no-such-command") {
		t.Errorf("start of df-bad: exit %d, stderr %q", r.code, r.err)
	}
}

func checkDirectSystemdRestart(t *testing.T, e *env) {
	e = e.on(t)
	unit := "podunit-dr.service"
	e.sb.DumpOnFailure(t, unit)
	e.must("run", "-d", "--name", "dr", "--network", "none", "--stop-signal", "KILL", "bb", "sh", "-c", "echo up-dr; exec sleep 600")
	t.Cleanup(func() { e.run("rm", "-f", "-t", "0", "dr") })
	checkDirectUnit(t, e, "dr", unit)
	before := e.field("dr", "{{.State.Pid}}")
	// no command and no link: the unit's line runs the full unit-start,
	// which makes the bundle and starts the container in the unit; a
	// daemon-reload before, which reads the transient unit back from its
	// file, keeps the line as it was
	e.sb.Run(t, "systemctl", "daemon-reload")
	e.sb.Run(t, "systemctl", "restart", unit)
	if st, pid, main := e.field("dr", "{{.State.Status}}"), e.field("dr", "{{.State.Pid}}"), unitProp(t, e, unit, "MainPID"); st != "running" || pid != main || pid == before {
		t.Errorf("dr after systemctl restart: %s, pid %s (before %s), the unit's main pid %s", st, pid, before, main)
	}
	eventually(t, 10*time.Second, "dr's output twice in its logs", func() bool {
		return strings.Count(e.run("logs", "dr").out, "up-dr") == 2
	})
	e.must("stop", "dr")
	e.must("start", "dr")
	checkDirectUnit(t, e, "dr", unit)
}

func checkDirectNameHeld(t *testing.T, e *env) {
	e = e.on(t)
	checkUnitNameHeld(t, e, "dh", nil)
	// the direct start's bundle was released: one stop unmounts the rootfs
	if n := rootfsMounts(e, "dh-m0"); n != "1" {
		t.Errorf("dh-m0's rootfs is mounted %s times", n)
	}
	e.must("stop", "dh-m0")
	if n := rootfsMounts(e, "dh-m0"); n != "0" {
		t.Errorf("dh-m0's rootfs is mounted %s times after its stop", n)
	}
}

// rootfsMounts is how often container name's rootfs (its merged directory)
// is mounted in the sandbox.
func rootfsMounts(e *env, name string) string {
	merged := e.field(name, "{{.GraphDriver.Data.MergedDir}}")
	return strings.TrimSpace(e.sh("grep -c -e ' " + merged + " ' /proc/self/mountinfo || true"))
}

func checkDirectDetached(t *testing.T, e *env) {
	e = e.on(t)
	e.sb.DumpOnFailure(t, "podunit-dd-none.service", "podunit-dd-host.service")
	for _, nw := range []string{"none", "host"} {
		name := "dd-" + nw
		unit := "podunit-" + name + ".service"
		e.must("run", "-d", "--name", name, "--network", nw, "--stop-signal", "KILL", "bb", "sh", "-c", "echo up-"+nw+"; exec sleep 600")
		checkDirectUnit(t, e, name, unit)
		if cg := unitProp(t, e, unit, "ControlGroup"); cg != "/system.slice/"+unit {
			t.Errorf("%s: cgroup %s", unit, cg)
		}
		eventually(t, 10*time.Second, name+"'s output in its logs", func() bool {
			return strings.Contains(e.run("logs", name).out, "up-"+nw)
		})
		e.must("stop", name)
		e.must("start", name)
		checkDirectUnit(t, e, name, unit)
		e.must("rm", "-f", "-t", "0", name)
	}
	// --log-driver none: nothing in the journal
	e.must("run", "-d", "--name", "dd-quiet", "--network", "none", "--log-driver", "none", "bb", "sh", "-c", "echo quiet-line; exec sleep 600")
	t.Cleanup(func() { e.run("rm", "-f", "-t", "0", "dd-quiet") })
	checkDirectUnit(t, e, "dd-quiet", "podunit-dd-quiet.service")
	time.Sleep(300 * time.Millisecond)
	if out := e.sh("journalctl --no-pager -o cat _SYSTEMD_UNIT=podunit-dd-quiet.service _TRANSPORT=stdout"); strings.Contains(out, "quiet-line") {
		t.Errorf("--log-driver none: the journal has %q", out)
	}
}

// checkDirectKilledActive: `start` SIGKILLed as the runtime's create in its
// unit writes the pid file (the command still waits for the job, or records
// the init) leaves an init waiting on its fifo in an active unit, which the
// next `start` finishes: the init released, recorded running with the
// unit's main pid, its `start` event and health timer.
func checkDirectKilledActive(t *testing.T, e *env) {
	e = e.on(t)
	unit := "podunit-dk.service"
	since := time.Now().Add(-time.Second).Format(time.RFC3339)
	id := killDirectStart(t, e, "dk", "--health-cmd", "true", "--health-interval", "1h")
	e.must("start", "dk")
	checkDirectUnit(t, e, "dk", unit)
	eventually(t, 10*time.Second, "dk's output in its logs", func() bool {
		return strings.Contains(e.run("logs", "dk").out, "up-dk")
	})
	if starts := e.must("events", "--stream=false", "--since", since, "--filter", "container=dk", "--filter", "event=start",
		"--format", "{{.Status}}"); starts != "start\n" {
		t.Errorf("dk's start events: %q", starts)
	}
	if st := unitProp(t, e, "podunit-health-"+id+".timer", "ActiveState"); st != "active" {
		t.Errorf("dk's health timer: %s", st)
	}
	e.must("stop", "dk")
	if n := rootfsMounts(e, "dk"); n != "0" {
		t.Errorf("dk's rootfs is mounted %s times after its stop", n)
	}
}

// checkDirectKilledEarly: `start` SIGKILLed once its bundle is made, as it
// queues the unit (the link the unit's line runs appears just before),
// leaves a bundle whose rootfs mount no release took back; the next start
// takes that count back, so that the rootfs is mounted once while the
// container runs and not at all once it stopped, as after any start.
func checkDirectKilledEarly(t *testing.T, e *env) {
	e = e.on(t)
	e.sb.DumpOnFailure(t, "podunit-dq.service")
	e.must("create", "--name", "dq", "--network", "none", "bb", "sleep", "600")
	t.Cleanup(func() { e.run("rm", "-f", "-t", "0", "dq") })
	for round := range 3 {
		out := startThen(e, "dq", "runtime-exe", killStart)
		if !strings.HasSuffix(out, "exit=137\n") {
			t.Fatalf("round %d: the killed start: %q (runtime-exe never appeared, or the command ended first)", round, out)
		}
		t.Logf("round %d: the unit after the kill: %s", round, unitProp(t, e, "podunit-dq.service", "ActiveState"))
		e.must("start", "dq")
		if n := rootfsMounts(e, "dq"); n != "1" {
			t.Errorf("round %d: dq's rootfs is mounted %s times while it runs", round, n)
		}
		e.must("stop", "-t", "0", "dq")
		if n := rootfsMounts(e, "dq"); n != "0" {
			t.Errorf("round %d: dq's rootfs is mounted %s times after its stop", round, n)
		}
	}
}

// checkDirectStopDuringStart: a `stop` that comes while a direct start
// waits for its unit's job (the runtime's create made slow by a wrapper)
// waits for the start, as Podman's waits for the lock its start holds, and
// then stops the container the start left running: both succeed, and the
// container ends killed by its stop signal. Stopping the unit under the
// start failed the start (a canceled job); leaving the start alone left the
// container running after a stop that succeeded. (The stop of a killed
// start's init, checkDirectKilledStop, tells the two apart by the link the
// unit's line runs, which resolves only while its command lives.)
func checkDirectStopDuringStart(t *testing.T, e *env) {
	e = e.on(t)
	slowCreated(t, e, "dsl")
	if out := whileStarting(e, "dsl", "stop", "-t", "0", "dsl"); out != "stop=0\nstart=0\n" {
		t.Fatalf("stop while the start waits: %q, want both to succeed", out)
	}
	if st := e.field("dsl", "{{.State.Status}} {{.State.ExitCode}}"); st != "exited 137" {
		t.Fatalf("dsl after the stop that waited for its start: %s, want exited 137 (started, then killed)", st)
	}
	if state := unitProp(t, e, "podunit-dsl.service", "ActiveState"); state == "active" || state == "activating" {
		t.Errorf("dsl's unit after the stop: %s", state)
	}
}

// checkDirectRemoveDuringStart: an `rm` that comes while a direct start
// waits for its unit's job waits for the start, as Podman's waits for the
// start's lock: the start succeeds, and the rm then refuses the running
// container without -f (a created one), and stops and removes it with -f
// (an exited one, whose record says so until the start has recorded it
// running: before, that rm removed the container under the start).
func checkDirectRemoveDuringStart(t *testing.T, e *env) {
	e = e.on(t)
	slowCreated(t, e, "drm")
	if out := whileStarting(e, "drm", "rm", "drm"); out != "rm=2\nstart=0\n" {
		t.Fatalf("rm while the start waits: %q, want the rm refused (2) after the start succeeded", out)
	}
	if st := e.field("drm", "{{.State.Status}}"); st != "running" {
		t.Fatalf("drm after the start the rm waited for: %s, want running", st)
	}
	e.must("stop", "-t", "0", "drm")
	if out := whileStarting(e, "drm", "rm", "-f", "-t", "0", "drm"); out != "rm=0\nstart=0\n" {
		t.Fatalf("rm -f while the start waits: %q, want both to succeed", out)
	}
	if r := e.run("inspect", "drm"); r.code == 0 {
		t.Errorf("drm is still there after rm -f: %s", r.out)
	}
	if state := unitProp(t, e, "podunit-drm.service", "ActiveState"); state == "active" || state == "activating" {
		t.Errorf("drm's unit after rm -f: %s", state)
	}
}

// checkDirectAttachDuringStart: an attached start (`start -a`) that comes
// while a direct start waits for its unit's job waits for it and then finds
// the container running (exit 125, as Podman's start --attach of a running
// container: the same refusal as a start -a after it), where it made a second bundle and ran the runtime on the
// same container beside the unit's create (crun: "cannot open status
// file", both starts failing; seen in the churn test's restarts and runs).
func checkDirectAttachDuringStart(t *testing.T, e *env) {
	e = e.on(t)
	slowCreated(t, e, "dat")
	out := whileStarting(e, "dat", "start", "-a", "dat")
	if out != "start=125\nstart=0\n" {
		t.Fatalf("start -a while the start waits: %q, want it refused (125) once the start succeeded", out)
	}
	if r := e.run("start", "-a", "dat"); r.code != 125 || !strings.Contains(r.err, "already running") {
		t.Fatalf("start -a of the running dat: exit %d, %q; want 125, already running", r.code, r.err)
	}
	if st := e.field("dat", "{{.State.Status}}"); st != "running" {
		t.Fatalf("dat after both starts: %s, want running", st)
	}
}

// checkDirectVerbsDuringStart: the verbs that do not stop or remove meet a
// start under way after it too (the engine's lookup and lock wait for it,
// not each verb): an `exec` that comes while a direct start waits for its
// unit's job runs in the container the start left running, and a `kill`
// kills it. Before, each found the container created, not running, and
// failed (125).
func checkDirectVerbsDuringStart(t *testing.T, e *env) {
	e = e.on(t)
	slowCreated(t, e, "dvx")
	if out := whileStarting(e, "dvx", "exec", "dvx", "true"); out != "exec=0\nstart=0\n" {
		t.Fatalf("exec while the start waits: %q, want both to succeed", out)
	}
	e.must("stop", "-t", "0", "dvx")
	if out := whileStarting(e, "dvx", "kill", "dvx"); out != "kill=0\nstart=0\n" {
		t.Fatalf("kill while the start waits: %q, want both to succeed", out)
	}
	eventually(t, 10*time.Second, "dvx exited", func() bool { return e.field("dvx", "{{.State.Status}}") == "exited" })
	if code := e.field("dvx", "{{.State.ExitCode}}"); code != "137" {
		t.Fatalf("dvx after the kill that waited for its start: exit code %s, want 137", code)
	}
}

// checkDirectWaitDuringStart: a `wait` that comes while a direct start waits
// for its unit's job waits for the run that start begins, not for the one
// before it: the container exits 3 on its first run and 4 after, and the
// wait prints 4 (on the build before it printed the 3 recorded at once).
func checkDirectWaitDuringStart(t *testing.T, e *env) {
	e = e.on(t)
	e.sb.DumpOnFailure(t, "podunit-dvw.service")
	e.must("create", "--name", "dvw", "--network", "none", "--runtime", slowCreate(t, e), "bb",
		"sh", "-c", "if [ -e /ran ]; then sleep 1; exit 4; fi; touch /ran; exit 3")
	t.Cleanup(func() { e.run("rm", "-f", "-t", "0", "dvw") })
	e.must("start", "dvw")
	if code := strings.TrimSpace(e.must("wait", "dvw")); code != "3" {
		t.Fatalf("dvw's first run: wait printed %q, want 3", code)
	}
	out := startThen(e, "dvw", "runtime-exe", e.shellLine("wait", "dvw")+"; wait $cmd; echo start=$?")
	if out != "4\nstart=0\n" {
		t.Fatalf("wait while the start waits: %q, want the second run's 4 and the start's success", out)
	}
}

// checkDirectStartLockTimeout: the wait for another command's start under
// way is bounded by --lock-timeout as a wait at the lock is: an exec during
// a start whose create takes 3 s gives up after 1 s with exit 125, naming
// the starting command, and the start goes on to succeed.
func checkDirectStartLockTimeout(t *testing.T, e *env) {
	e = e.on(t)
	e.sb.DumpOnFailure(t, "podunit-dlt.service")
	slower := crunWrapper(t, e, "slowercreate", "for a; do [ \"$a\" = create ] && sleep 3; done\nexec CRUN \"$@\"")
	e.must("create", "--name", "dlt", "--network", "none", "--runtime", slower, "--stop-signal", "KILL", "bb", "sleep", "600")
	t.Cleanup(func() { e.run("rm", "-f", "-t", "0", "dlt") })
	out := startThen(e, "dlt", "runtime-exe", "echo start-pid=$cmd\n"+
		e.shellLine("--lock-timeout", "1s", "exec", "dlt", "true")+" 2>&1; echo exec=$?\n"+
		"wait $cmd; echo start=$?")
	pid, _, _ := strings.Cut(strings.TrimPrefix(out, "start-pid="), "\n")
	if !strings.Contains(out, "exec=125\n") || !strings.HasSuffix(out, "start=0\n") ||
		!strings.Contains(out, "still being started by process "+pid+" (") {
		t.Fatalf("exec --lock-timeout 1s during a 3 s start: %q, want exit 125 naming the start's process, and the start to succeed", out)
	}
	if st := e.field("dlt", "{{.State.Status}}"); st != "running" {
		t.Fatalf("dlt after its start: %s, want running", st)
	}
}

// slowCreated creates container name, to run sleep on slowCreate's runtime.
func slowCreated(t *testing.T, e *env, name string) {
	t.Helper()
	e.sb.DumpOnFailure(t, "podunit-"+name+".service")
	e.must("create", "--name", name, "--network", "none", "--runtime", slowCreate(t, e), "--stop-signal", "KILL", "bb", "sleep", "600")
	t.Cleanup(func() { e.run("rm", "-f", "-t", "0", name) })
}

// whileStarting runs the podunit command args while `start name` waits for
// its unit's job; it returns both exits, as "VERB=N\nstart=N\n".
func whileStarting(e *env, name string, args ...string) string {
	return startThen(e, name, "runtime-exe", e.shellLine(args...)+" >/dev/null 2>&1; echo "+args[0]+"=$?\n"+
		"wait $cmd; echo start=$?")
}

// slowCreate is a runtime for e's sandbox: crun, whose create sleeps a
// second first, so that a command's start waits for its unit's job.
func slowCreate(t *testing.T, e *env) string {
	return crunWrapper(t, e, "slowcreate", "for a; do [ \"$a\" = create ] && sleep 1; done\nexec CRUN \"$@\"")
}

// lingeringCreate is a runtime for e's sandbox: crun, whose create returns a
// second after crun's own has made the container and written its pid file,
// so that a start's unit job ends that much later: a test can kill the
// start between the pid file and the release whatever the machine's load.
func lingeringCreate(t *testing.T, e *env) string {
	return crunWrapper(t, e, "lingeringcreate", "CRUN \"$@\"; rc=$?\nfor a; do [ \"$a\" = create ] && sleep 1; done\nexit $rc")
}

// crunWrapper writes a shell script named crun in e's directory dir, of
// body with CRUN standing for crun's path, and returns its path.
func crunWrapper(t *testing.T, e *env, dir, body string) string {
	t.Helper()
	real, err := exec.LookPath("crun")
	if err != nil {
		t.Fatal(err)
	}
	wrapper := filepath.Join(e.dir, dir, "crun")
	if err := os.MkdirAll(filepath.Dir(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wrapper, []byte("#!/bin/sh\n"+strings.ReplaceAll(body, "CRUN", real)+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return wrapper
}

// startThen runs `start name` in the sandbox's background and, once file
// appears in the container's bundle, the shell line then, which may name
// the start's pid as $cmd; it returns the script's output.
func startThen(e *env, name, file, then string) string {
	path := filepath.Join(e.runDir(), "podunit", "containers", e.field(name, "{{.ID}}"), file)
	return e.sh(e.shellLine("start", name) + " >/dev/null 2>&1 & cmd=$!\n" +
		"i=0; while [ ! -e " + path + " ] && [ $i -lt 500000 ]; do i=$((i+1)); done\n" + then)
}

// killStart is startThen's line that SIGKILLs the start and prints its exit.
const killStart = "kill -9 $cmd; wait $cmd; echo exit=$?"

// killDirectStart creates container name (args are create's options) and
// SIGKILLs its `start` as the runtime's create in its unit writes the pid
// file (the command still waits for the job: lingeringCreate, without which
// a loaded machine's kill came after the release): its init waits on its
// fifo in the active unit, the container recorded created. It returns the
// container's ID.
func killDirectStart(t *testing.T, e *env, name string, args ...string) string {
	t.Helper()
	unit := "podunit-" + name + ".service"
	e.sb.DumpOnFailure(t, unit)
	e.must(append(append([]string{"create", "--name", name, "--network", "none", "--stop-signal", "KILL",
		"--runtime", lingeringCreate(t, e)}, args...), "bb", "sh", "-c", "echo up-"+name+"; exec sleep 600")...)
	t.Cleanup(func() { e.run("rm", "-f", "-t", "0", name) })
	id := e.field(name, "{{.ID}}")
	if out := startThen(e, name, "pidfile", killStart); !strings.HasSuffix(out, "exit=137\n") {
		t.Fatalf("the killed start: %q (the pid file never appeared, or the command ended first)", out)
	}
	eventually(t, 10*time.Second, unit+" active", func() bool { return unitProp(t, e, unit, "ActiveState") == "active" })
	if st := e.field(name, "{{.State.Status}}"); st != "created" {
		t.Fatalf("%s after the killed start: %s, want created (its init waits)", name, st)
	}
	if strings.Contains(e.run("logs", name).out, "up-"+name) {
		t.Fatalf("%s ran before anything released it", name)
	}
	return id
}

// checkDirectKilledStop: `stop` of a container whose direct start was
// killed as its init waited (killDirectStart) stops the unit, which ends
// the init and releases the bundle and the rootfs; the container is
// recorded exited and starts again.
func checkDirectKilledStop(t *testing.T, e *env) {
	e = e.on(t)
	unit := "podunit-dks.service"
	id := killDirectStart(t, e, "dks")
	e.must("stop", "dks")
	if st := unitProp(t, e, unit, "ActiveState"); st != "inactive" && st != "failed" {
		t.Errorf("%s after stop: %s, want it stopped", unit, st)
	}
	if st := e.field("dks", "{{.State.Status}}"); st != "exited" {
		t.Errorf("dks after stop: %s, want exited", st)
	}
	if n := rootfsMounts(e, "dks"); n != "0" {
		t.Errorf("dks's rootfs is mounted %s times after its stop", n)
	}
	if out := e.sh("ls " + filepath.Join(e.runDir(), "podunit", "containers", id) + " 2>&1 || true"); !strings.Contains(out, "No such file") {
		t.Errorf("dks's bundle after stop: %q", out)
	}
	e.must("start", "dks")
	checkDirectUnit(t, e, "dks", unit)
	if n := rootfsMounts(e, "dks"); n != "1" {
		t.Errorf("dks's rootfs is mounted %s times once started again", n)
	}
	e.must("stop", "-t", "0", "dks")
}
