package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// stopFiles are Quadlet sources whose containers ignore SIGTERM: busybox
// sleep as PID 1 of its PID namespace has no handler, so only SIGKILL ends it.
var stopFiles = map[string]string{
	"slow.container": "[Container]\nImage=bb\nContainerName=slow\nExec=sleep 1000\nStopTimeout=3\n\n" +
		"[Install]\nWantedBy=multi-user.target\n",
	"always.container": "[Container]\nImage=bb\nContainerName=always\nExec=sleep 1000\nStopTimeout=3\n\n" +
		"[Service]\nRestart=always\n\n[Install]\nWantedBy=multi-user.target\n",
	"plain.container": "[Container]\nImage=bb\nContainerName=plain\nExec=sleep 1000\n\n" +
		"[Install]\nWantedBy=multi-user.target\n",
	"shop.pod": "[Pod]\nPodName=shop\nStopTimeout=2\n\n[Install]\nWantedBy=multi-user.target\n",
	// no StopTimeout= of its own: the pod's (2) bounds its stop
	"shoplater.container": "[Container]\nImage=bb\nContainerName=shoplater\nPod=shop.pod\nStartWithPod=no\nExec=sleep 1000\nStopSignal=KILL\n",
	"shopdeaf.container":  "[Container]\nImage=bb\nContainerName=shopdeaf\nPod=shop.pod\nExec=sleep 1000\n",
	// [Service] Type=oneshot: the unit runs its container to completion
	"job.container":     "[Container]\nImage=bb\nContainerName=job\nExec=sh -c \"sleep 1; echo job done\"\n\n[Service]\nType=oneshot\n",
	"badjob.container":  "[Container]\nImage=bb\nContainerName=badjob\nExec=sh -c \"exit 3\"\n\n[Service]\nType=oneshot\n",
	"shopweb.container": "[Container]\nImage=bb\nContainerName=shopweb\nPod=shop.pod\nExec=sleep 1000\nStopSignal=KILL\n",
}

// bootWith boots with the generator and only the given Quadlet sources.
func bootWith(t *testing.T, files map[string]string) (*harness.Sandbox, *defaultEnv) {
	opts, host, sources := bootEnv(t)
	for name := range quadletFiles {
		if err := os.Remove(filepath.Join(sources, name)); err != nil {
			t.Fatal(err)
		}
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(sources, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sb := harness.Boot(t, opts)
	return sb, &defaultEnv{t: t, sb: sb, bin: host.bin}
}

// unitResult is a unit's "ActiveState Result".
func unitResult(sb *harness.Sandbox, unit string) string {
	out, _, _, _ := sb.Exec("systemctl", "show", "-p", "ActiveState", "-p", "Result", unit)
	var state, result string
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, "ActiveState="); ok {
			state = v
		}
		if v, ok := strings.CutPrefix(l, "Result="); ok {
			result = v
		}
	}
	return state + " " + result
}

// timed runs fn and fails the test if it took longer than limit.
func timed(t *testing.T, what string, limit time.Duration, fn func()) {
	t.Helper()
	start := time.Now()
	fn()
	if d := time.Since(start); d > limit {
		t.Fatalf("%s took %s, want at most %s", what, d.Round(time.Millisecond), limit)
	}
}

// stopped checks a unit stopped cleanly: inactive, not failed.
func stopped(t *testing.T, sb *harness.Sandbox, unit string) {
	t.Helper()
	if got := unitResult(sb, unit); got != "inactive success" {
		sb.DumpUnit(t, unit)
		t.Fatalf("%s after stop: %q, want \"inactive success\"", unit, got)
	}
}

// TestUnitFileContainersStopWithinTheirTimeout boots generated units whose
// containers ignore SIGTERM: systemctl stop and podunit stop, restart and
// rm -f end them in their stop timeout (+2 s), the unit inactive, not failed.
func TestUnitFileContainersStopWithinTheirTimeout(t *testing.T) {
	// not parallel: stops timed to their timeout + 2 s
	sb, e := bootWith(t, stopFiles)
	units := []string{"slow.service", "always.service", "plain.service", "shop-pod.service", "shopweb.service", "shopdeaf.service"}
	sb.DumpOnFailure(t, units...)
	for _, u := range units {
		sb.WaitActive(t, u, "active", 30*time.Second)
	}
	bound := 5 * time.Second // StopTimeout=3, + 2 s
	t.Run("systemctl stop", func(t *testing.T) {
		timed(t, "systemctl stop slow", bound, func() { sb.Run(t, "systemctl", "stop", "slow.service") })
		stopped(t, sb, "slow.service")
		timed(t, "systemctl stop plain (default 10 s)", 12*time.Second, func() { sb.Run(t, "systemctl", "stop", "plain.service") })
		stopped(t, sb, "plain.service")
		sb.Run(t, "systemctl", "start", "slow.service")
	})
	for _, name := range []string{"slow", "always"} {
		unit := name + ".service"
		t.Run("podunit restart "+name, func(t *testing.T) {
			pid := e.field(name, "{{.State.Pid}}")
			timed(t, "podunit restart "+name, bound+2*time.Second, func() { e.must("restart", name) })
			if got := e.field(name, "{{.State.Status}}"); got != "running" {
				t.Fatalf("after restart: %s", got)
			}
			if now := e.field(name, "{{.State.Pid}}"); now == pid {
				t.Fatalf("restart kept pid %s", now)
			}
			sb.WaitActive(t, unit, "active", 5*time.Second)
		})
		t.Run("podunit stop "+name, func(t *testing.T) {
			timed(t, "podunit stop "+name, bound, func() { e.must("stop", name) })
			stopped(t, sb, unit)
			sb.Run(t, "systemctl", "start", unit)
		})
		if name == "always" {
			t.Run("podunit kill always", func(t *testing.T) {
				pid := e.field(name, "{{.State.Pid}}")
				timed(t, "podunit kill", bound, func() { e.must("kill", name) })
				eventually(t, 10*time.Second, "Restart=always to bring it back", func() bool {
					r := e.run("inspect", "--format", "{{.State.Status}} {{.State.Pid}}", name)
					return strings.HasPrefix(r.out, "running ") && !strings.Contains(r.out, " "+pid+"\n")
				})
			})
		}
		t.Run("podunit rm -f "+name, func(t *testing.T) {
			timed(t, "podunit rm -f "+name, bound, func() { e.must("rm", "-f", name) })
			stopped(t, sb, unit)
			if r := e.run("container", "exists", name); r.code != 1 {
				t.Fatalf("container exists after rm -f: exit %d", r.code)
			}
		})
	}
	t.Run("generate systemd --new", func(t *testing.T) {
		unit := "container-gen.service"
		sb.DumpOnFailure(t, unit)
		e.must("create", "--name", "gen", "--stop-timeout", "3", "bb", "sleep", "1000")
		e.sh("cd /etc/systemd/system && " + e.bin + " generate systemd --files --new gen && systemctl daemon-reload")
		sb.Run(t, "systemctl", "start", unit)
		timed(t, "systemctl stop "+unit, bound, func() { sb.Run(t, "systemctl", "stop", unit) })
		stopped(t, sb, unit)
		sb.Run(t, "systemctl", "start", unit)
		timed(t, "podunit stop gen", bound, func() { e.must("stop", "gen") })
		stopped(t, sb, unit)
	})
	t.Run("pod members run in the pod's slice", func(t *testing.T) {
		want := "/podunit.slice/podunit-shop.slice/shopweb.service"
		if cg := strings.TrimSpace(sb.Run(t, "systemctl", "show", "-P", "ControlGroup", "shopweb.service")); cg != want {
			t.Fatalf("member's ControlGroup %q, want %q", cg, want)
		}
		pid := e.field("shopweb", "{{.State.Pid}}")
		if cg := sb.Run(t, "cat", "/proc/"+pid+"/cgroup"); !strings.Contains(cg, want+"/") {
			t.Fatalf("member's init is not in the pod's slice:\n%s", cg)
		}
		if got := strings.TrimSpace(e.must("pod", "inspect", "--format", "{{.CgroupParent}}", "shop")); got != "podunit-shop.slice" {
			t.Fatalf("pod inspect CgroupParent %q", got)
		}
	})
	t.Run("Type=oneshot runs the container to completion", func(t *testing.T) {
		sb.DumpOnFailure(t, "job.service", "badjob.service")
		start := time.Now()
		sb.Run(t, "systemctl", "start", "job.service")
		if d := time.Since(start); d < time.Second {
			t.Fatalf("systemctl start of a oneshot returned after %s, before its container's 1 s ran out", d)
		}
		if got := unitResult(sb, "job.service"); got != "inactive success" {
			t.Fatalf("job.service after its container ended: %q", got)
		}
		if out, _, _, _ := sb.Exec("journalctl", "-u", "job.service", "-o", "cat"); !strings.Contains(out, "job done") {
			t.Fatalf("the job's output is not in its unit's journal:\n%s", out)
		}
		if _, _, code, _ := sb.Exec("systemctl", "start", "badjob.service"); code == 0 {
			t.Fatal("systemctl start of a oneshot whose container exits 3 succeeded")
		}
		if got := unitResult(sb, "badjob.service"); got != "failed exit-code" {
			t.Fatalf("badjob.service: %q, want \"failed exit-code\"", got)
		}
	})
	t.Run("StartWithPod=no", func(t *testing.T) {
		if got := unitResult(sb, "shoplater.service"); got != "inactive success" {
			t.Fatalf("a StartWithPod=no member after boot: %q, want it not started", got)
		}
		sb.Run(t, "systemctl", "start", "shoplater.service")
		sb.WaitActive(t, "shoplater.service", "active", 30*time.Second)
	})
	t.Run("a member takes the pod's StopTimeout=", func(t *testing.T) {
		timed(t, "systemctl stop shopdeaf", 4*time.Second, func() { sb.Run(t, "systemctl", "stop", "shopdeaf.service") })
		stopped(t, sb, "shopdeaf.service")
	})
}

// TestTransientUnitsStopAndKeepExitCodes: run -d containers that ignore
// SIGTERM stop in their stop timeout (+2 s) and their units end cleanly;
// a container that exits at once has its own exit code recorded, every time.
func TestTransientUnitsStopAndKeepExitCodes(t *testing.T) {
	// not parallel: stops timed to their timeout + 2 s
	sb := harness.Boot(t, harness.Options{})
	for _, rt := range []string{"crun", "runc"} {
		t.Run(rt, func(t *testing.T) {
			e := newEnv(t, sb, rt)
			e.image()
			t.Run("stops in the stop timeout", func(t *testing.T) { checkTransientStops(t, e.on(t)) })
			t.Run("exit codes of quick exits", func(t *testing.T) { checkQuickExitCodes(t, e.on(t)) })
			t.Run("a quick exit 0 is no failed start", func(t *testing.T) { checkQuickExitZero(t, e.on(t)) })
			t.Run("a start that fails after READY=1", func(t *testing.T) { checkStartFailsAfterReady(t, e.on(t)) })
			t.Run("a name reused while its old unit is loaded", func(t *testing.T) { checkNameReuse(t, e.on(t)) })
			t.Run("starts of a unit kept loaded pass the start limit", func(t *testing.T) { checkStartLimit(t, e.on(t)) })
			t.Run("run -d killed: the first rm -f finishes", func(t *testing.T) { checkKilledRunD(t, e.on(t)) })
			t.Run("run --unit --replace after a lost cleanup", func(t *testing.T) { checkReplaceInOwnUnit(t, e.on(t)) })
		})
	}
}

func checkTransientStops(t *testing.T, e *env) {
	unit := "podunit-deaf.service"
	e.sb.DumpOnFailure(t, unit)
	e.must("run", "-d", "--name", "deaf", "--stop-timeout", "3", "bb", "sleep", "1000")
	bound := 5 * time.Second
	timed(t, "systemctl stop", bound, func() { e.sb.Run(t, "systemctl", "stop", unit) })
	assertStopped(t, e, "deaf", unit, "137")
	checkCleanStop(t, e, unit)
	e.must("start", "deaf")
	timed(t, "podunit stop", bound, func() { e.must("stop", "deaf") })
	assertStopped(t, e, "deaf", unit, "137")
	checkCleanStop(t, e, unit)
	e.must("start", "deaf")
	timed(t, "podunit restart", bound+2*time.Second, func() { e.must("restart", "deaf") })
	if st := e.field("deaf", "{{.State.Status}}"); st != "running" {
		t.Fatalf("after restart: %s", st)
	}
	// restart runs in podunit-full (no hot-path verb); the unit it made
	// must not run podunit-full: the hot-path podunit itself, podunit-start
	// beside it with the hot-path unit-start as its fallback after "--"
	// (a prepared start, engine/unit_prepared.go), or the runtime's create
	// with the hot-path unit-start as its fallback (a direct start,
	// engine/unit_direct.go: no restart policy)
	got := e.sb.Run(t, "systemctl", "show", "-P", "ExecStart", unit)
	helper := filepath.Join(filepath.Dir(e.bin), "podunit-start")
	hot := strings.Contains(got, "path="+e.bin+" ") || strings.Contains(got, "path="+helper+" ") && strings.Contains(got, " -- "+e.bin+" ")
	direct := strings.Contains(got, "path=/bin/sh ") && strings.Contains(got, "/podunit-direct-start-") && strings.Contains(got, " "+e.bin+" ")
	if !hot && !direct {
		t.Errorf("after podunit restart, %s runs %q, want %s (the hot-path binary) or the runtime's create", unit, got, e.bin)
	}
	timed(t, "podunit rm -f", bound, func() { e.must("rm", "-f", "deaf") })
	checkCleanStop(t, e, unit)
}

// checkCleanStop reads the journal of a (collected) transient unit: its
// last stop ended cleanly, not "Failed with result".
func checkCleanStop(t *testing.T, e *env, unit string) {
	t.Helper()
	var log string
	eventually(t, 10*time.Second, unit+" to deactivate", func() bool {
		log, _, _, _ = e.sb.Exec("journalctl", "-u", unit, "-o", "cat", "--no-pager")
		return strings.Count(log, "Stopped ") > strings.Count(log, "Deactivated successfully")-1
	})
	if strings.Contains(log, "Failed with result") || strings.Contains(log, "timed out") {
		t.Fatalf("%s did not stop cleanly:\n%s", unit, log)
	}
}

func checkQuickExitCodes(t *testing.T, e *env) {
	for i := range 20 {
		name := "quick" + strconv.Itoa(i)
		if r := e.run("run", "-d", "--name", name, "bb", "sh", "-c", "exit 5"); r.code != 0 {
			e.sb.DumpUnit(t, "podunit-"+name+".service")
			t.Fatalf("run %d: run -d exit %d: %s\n%s", i, r.code, r.err, e.run("inspect", name).out)
		}
		eventually(t, 10*time.Second, name+" to exit", func() bool {
			return e.field(name, "{{.State.Status}}") == "exited"
		})
		if code := e.field(name, "{{.State.ExitCode}}"); code != "5" {
			t.Fatalf("run %d: exit code %s recorded, want 5", i, code)
		}
		e.must("rm", name)
	}
	e.must("run", "-d", "--name", "retry", "--restart", "on-failure:2", "bb", "sh", "-c", "exit 5")
	eventually(t, 30*time.Second, "retry to give up", func() bool {
		out, _, _, _ := e.sb.Exec("systemctl", "is-active", "podunit-retry.service")
		return strings.TrimSpace(out) != "active" && strings.TrimSpace(out) != "activating" &&
			e.field("retry", "{{.State.Status}}") == "exited"
	})
	if row := e.must("ps", "-a", "--filter", "name=^retry$", "--format", "{{.Status}}"); !strings.HasPrefix(row, "Exited (5) ") {
		t.Fatalf("ps -a after the retries: %q, want Exited (5)", row)
	}
	e.must("rm", "retry")
}

// checkQuickExitZero: a container that exits 0 at once, before the start
// could have been reported by any later step, ends a unit that started
// (systemctl start succeeds): it is no failed start (Result=protocol) that
// Restart=on-failure runs again, as it did when unit-start said READY=1
// after the init ran.
func checkQuickExitZero(t *testing.T, e *env) {
	var names []string
	for i := range 10 {
		name := "once-" + e.runtime + strconv.Itoa(i) // one sandbox's journal for both runtimes
		e.must("run", "-d", "--name", name, "--restart", "on-failure", "bb", "true")
		names = append(names, name)
	}
	time.Sleep(time.Second) // systemd's restarts would come after RestartSec=100ms
	for _, name := range names {
		eventually(t, 10*time.Second, name+" to exit", func() bool {
			return e.field(name, "{{.State.Status}}") == "exited"
		})
		log, _, _, _ := e.sb.Exec("journalctl", "-u", "podunit-"+name+".service", "-o", "cat", "--no-pager")
		if n := strings.Count(log, "container start "); n != 1 || strings.Contains(log, "Failed with result") {
			t.Fatalf("%s started %d times, want once with no failed result:\n%s", name, n, log)
		}
		if code := e.field(name, "{{.State.ExitCode}}"); code != "0" {
			t.Fatalf("%s: exit code %s recorded, want 0", name, code)
		}
		e.must("rm", name)
	}
	r := e.run("run", "-d", "--name", "gone", "bb", "/no/such/binary")
	if r.code != 127 || !strings.Contains(r.err, "/no/such/binary") {
		t.Fatalf("run -d of a missing binary: exit %d, want 127 naming it: %s", r.code, r.err)
	}
	e.must("rm", "-f", "gone")
}

// checkStartFailsAfterReady: a runtime whose start fails, after unit-start
// has told systemd the unit is ready, fails run -d with its message all the
// same (the caller waits for unit-start's verdict), records the failure
// and leaves a container rm removes.
func checkStartFailsAfterReady(t *testing.T, e *env) {
	real, err := exec.LookPath(e.runtime)
	if err != nil {
		t.Fatal(err)
	}
	wrapper := filepath.Join(e.dir, "failstart", e.runtime)
	script := "#!/bin/sh\nfor a; do [ \"$a\" = start ] && { echo 'injected start failure' >&2; exit 1; }; done\nexec " + real + " \"$@\"\n"
	if err := os.MkdirAll(filepath.Dir(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	r := e.run("run", "-d", "--runtime", wrapper, "--name", "failstart", "bb", "sleep", "100")
	if r.code != 125 || !strings.Contains(r.err, "injected start failure") {
		t.Fatalf("run -d with a start that fails: exit %d, want 125 with the runtime's message: %s", r.code, r.err)
	}
	if st := e.field("failstart", "{{.State.Status}}"); st != "exited" {
		t.Fatalf("after a failed start the container is %s, want exited", st)
	}
	e.must("rm", "failstart")
}

// checkNameReuse runs containers of one name one after another while a unit
// ordered after their unit keeps it loaded once stopped (as a churn's
// timing did before systemd collected it): the old unit's ExecStart=, for
// the old container's ID, must not run for the new container.
func checkNameReuse(t *testing.T, e *env) {
	unit := "podunit-reuse.service"
	e.sh("printf '[Unit]\\nAfter=" + unit + "\\n[Service]\\nType=oneshot\\nRemainAfterExit=yes\\nExecStart=/bin/true\\n' " +
		"> /etc/systemd/system/reuse-holder.service && systemctl daemon-reload && systemctl start reuse-holder.service")
	defer e.sb.Exec("systemctl", "stop", "reuse-holder.service")
	for i := range 3 {
		id := strings.TrimSpace(e.must("run", "-d", "--name", "reuse", "--stop-signal", "KILL", "bb", "sleep", "1000"))
		if got := e.field("reuse", "{{.State.Status}}"); got != "running" || e.run("container", "exists", id).code != 0 {
			t.Fatalf("run %d: reuse is %q, container %s exists: %v", i, got, id, e.run("container", "exists", id).code == 0)
		}
		e.must("rm", "-f", "reuse")
		if i == 0 {
			if ls := strings.TrimSpace(e.sb.Run(t, "systemctl", "show", "-P", "LoadState", unit)); ls != "loaded" {
				t.Fatalf("the stopped unit is %s: the test needs it kept loaded", ls)
			}
		}
	}
}

// checkStartLimit: a container's or pod's unit kept loaded between its
// stop and its next start (here by a unit ordered after it; in a churn, by
// other commands' jobs) is started as often as a user asks: systemd's start
// rate limit (5 starts in 10 s) refused the sixth start, which the command
// reported as "job failed". A unit without Restart= has no limit; one with
// it keeps its limit for systemd's own restarts, and the command lifts it.
func checkStartLimit(t *testing.T, e *env) {
	e.must("run", "-d", "--name", "lim", "--stop-signal", "KILL", "bb", "sleep", "1000")
	e.must("run", "-d", "--name", "limr", "--restart", "always", "--stop-signal", "KILL", "bb", "sleep", "1000")
	e.must("pod", "create", "--name", "limp")
	e.must("create", "--pod", "limp", "--name", "limp-m", "--stop-signal", "KILL", "bb", "sleep", "1000")
	e.must("pod", "start", "limp")
	defer e.run("rm", "-f", "-t", "0", "lim", "limr")
	defer e.run("pod", "rm", "-f", "-t", "0", "limp")
	units := []string{"podunit-lim.service", "podunit-limr.service", "limp-pod.service"}
	e.sb.DumpOnFailure(t, units...)
	e.sh("printf '[Unit]\\nAfter=" + strings.Join(units, " ") + "\\n[Service]\\nType=oneshot\\nRemainAfterExit=yes\\nExecStart=/bin/true\\n' " +
		"> /etc/systemd/system/limit-holder.service && systemctl daemon-reload && systemctl start limit-holder.service")
	defer e.sb.Exec("systemctl", "stop", "limit-holder.service")
	run := func(i int, verbs ...string) {
		if r := e.run(verbs...); r.code != 0 {
			t.Fatalf("round %d: %s: exit %d: %s", i, strings.Join(verbs, " "), r.code, r.err)
		}
	}
	for i := range 8 {
		run(i, "stop", "-t", "0", "lim", "limr")
		run(i, "pod", "stop", "-t", "0", "limp")
		for _, u := range units {
			if ls := strings.TrimSpace(e.sb.Run(t, "systemctl", "show", "-P", "LoadState", u)); ls != "loaded" && i == 7 {
				t.Fatalf("%s is %s between its stop and start: the test needs it kept loaded", u, ls)
			}
		}
		run(i, "start", "lim", "limr")
		run(i, "pod", "start", "limp")
	}
	for _, name := range []string{"lim", "limr", "limp-m"} {
		if st := e.field(name, "{{.State.Status}}"); st != "running" {
			t.Errorf("%s is %s after 8 stops and starts", name, st)
		}
	}
}

// checkKilledRunD kills run -d at many points, while its unit may still be
// starting the container: the first rm -f of each must remove it, even if
// the unit starts it under rm's feet (issue 13, defect 3), or a direct
// start's create goes on in it (engine/unit_direct.go). The kill reaches
// podunit itself, inside the sandbox: nsenter, which e.command runs, forks
// it and leaves it running when killed.
func checkKilledRunD(t *testing.T, e *env) {
	for i := range 16 {
		name := "killed" + strconv.Itoa(i)
		e.sh(fmt.Sprintf("%s >/dev/null 2>&1 & cmd=$!\nsleep %.3f\nkill -9 $cmd; wait $cmd; true",
			e.shellLine("run", "-d", "--name", name, "--stop-signal", "KILL", "bb", "sleep", "1000"), float64(40+i*10)/1000))
		if r := e.run("rm", "-f", name); r.code != 0 && !strings.Contains(r.err, "no container with name or ID") {
			t.Fatalf("trial %d: first rm -f: exit %d: %s", i, r.code, r.err)
		}
		eventually(t, 10*time.Second, "podunit-"+name+".service to go", func() bool {
			out, _, _, _ := e.sb.Exec("systemctl", "show", "-P", "LoadState", "podunit-"+name+".service")
			return strings.TrimSpace(out) == "not-found"
		})
	}
	if out := e.must("ps", "-aq", "--filter", "name=^killed"); out != "" {
		t.Fatalf("containers remain: %q", out)
	}
}

// checkReplaceInOwnUnit: a unit's `run --unit --replace` whose old record
// still says it runs in that same unit (its cleanup never ran: here a unit
// file without ExecStopPost=) replaces it without stopping the unit it
// runs in, which it used to, ending its own start.
func checkReplaceInOwnUnit(t *testing.T, e *env) {
	name := "lost-" + e.runtime
	unit := name + ".service"
	e.sb.DumpOnFailure(t, unit)
	argv := append(append([]string{e.bin}, e.globals()...), "run", "--unit", "--replace", "--rm", "--name", name, "bb", "sleep", "600")
	e.sh(fmt.Sprintf("cat > /etc/systemd/system/%s <<'EOF'\n[Service]\nType=notify\nNotifyAccess=all\nDelegate=yes\nKillMode=mixed\nKillSignal=SIGKILL\nExecStart=%s\nEOF\nsystemctl daemon-reload",
		unit, strings.Join(argv, " ")))
	e.sb.Run(t, "systemctl", "start", unit)
	first := e.field(name, "{{.ID}}")
	e.sb.Run(t, "systemctl", "stop", unit) // no cleanup: the record still says running in unit
	e.sb.Run(t, "systemctl", "start", unit)
	time.Sleep(500 * time.Millisecond) // the old bug stopped the unit just after its start
	if got := strings.TrimSpace(e.sh("systemctl is-active " + unit + " || true")); got != "active" {
		t.Fatalf("%s after its second start: %s, want active", unit, got)
	}
	if got := e.field(name, "{{.ID}} {{.State.Status}}"); got == first+" running" || !strings.HasSuffix(got, " running") {
		t.Errorf("after the second start %s is %q, want a new container running (old ID %s)", name, got, first)
	}
	e.sb.Run(t, "systemctl", "stop", unit)
	e.must("rm", "-f", name)
	e.sh("rm /etc/systemd/system/" + unit + " && systemctl daemon-reload")
}
