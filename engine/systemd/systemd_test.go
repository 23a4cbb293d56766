package systemd

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
)

// The tests named TestInSystemd* run inside a sandbox systemd (TestSystemd).

func TestConnectWithoutSystemd(t *testing.T) {
	if Available() {
		t.Skip("systemd is running here")
	}
	_, err := Connect(context.Background())
	if !errdefs.IsUnavailable(err) || !strings.Contains(err.Error(), "PID 1 is not systemd") {
		t.Fatalf("got %v, want ErrUnavailable", err)
	}
}

// notifyUnit is a Type=notify unit run by the test binary as start helper;
// its ExecStopPost appends "$EXIT_STATUS $SERVICE_RESULT" to work/stoppost.
func notifyUnit(name, work string) Transient {
	return Transient{
		Name:         name,
		Description:  "podunit test " + name,
		ExecStart:    []string{filepath.Join(filepath.Dir(work), "systemd.test")},
		ExecStopPost: [][]string{{"/bin/sh", filepath.Join(work, "stoppost.sh")}},
		Environment:  []string{envHelper + "=notify-sleep", "HELPER_DIR=" + work},
		Type:         "notify", NotifyAccess: "all", Delegate: true, KillMode: "mixed",
		Restart: "on-failure", RestartSec: 100 * time.Millisecond,
		TimeoutStartSec: 30 * time.Second, TimeoutStopSec: 10 * time.Second,
		SyslogIdentifier: name, CollectMode: "inactive-or-failed",
	}
}

func TestInSystemdLifecycle(t *testing.T) {
	dir, c := inSandbox(t)
	ctx := context.Background()
	work := mkdir(t, dir, "life")
	unit := "podunit-test-life.service"
	writeStopPost(t, work)
	if err := c.StartTransient(ctx, notifyUnit(unit, work)); err != nil {
		t.Fatal(err)
	}
	first := checkRunning(t, c, unit, work)

	err := c.StartTransient(ctx, notifyUnit(unit, work))
	if !errdefs.IsAlreadyExists(err) || !strings.Contains(err.Error(), unit) {
		t.Errorf("second StartTransient: %v, want ErrAlreadyExists naming the unit", err)
	}

	os.Remove(filepath.Join(work, "mainpid"))
	if err := c.Kill(ctx, unit, "main", syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	s := waitState(t, c, unit, func(s *UnitState) bool { return s.NRestarts == 1 && s.ActiveState == "active" })
	if second := checkRunning(t, c, unit, work); second == first || s.MainPID == first {
		t.Errorf("main PID %d unchanged after restart", first)
	}

	if err := c.SetProperties(ctx, unit, true, Property{Name: "CPUWeight", Value: uint64(50)}); err != nil {
		t.Fatal(err)
	}
	err = c.SetProperties(ctx, unit, true, Property{Name: "TimeoutStopUSec", Value: uint64(5e6)})
	if !errdefs.IsInvalidArgument(err) {
		t.Errorf("setting TimeoutStopUSec of a loaded unit: %v, want ErrInvalidArgument", err)
	}
	if err := c.Stop(ctx, unit); err != nil {
		t.Fatal(err)
	}
	waitState(t, c, unit, func(s *UnitState) bool { return s.LoadState == "not-found" })
	// The container must be systemd's own child (an orphan it reaped), or
	// systemd does not wait for it on stop: KillMode=mixed then sends
	// SIGKILL right after SIGTERM, and $EXIT_STATUS may be empty.
	if jl, _ := exec.Command("journalctl", "-u", unit, "-o", "cat").Output(); strings.Contains(string(jl), "not our child") {
		t.Errorf("systemd supervises an alien main PID:\n%s", jl)
	}
	want := "KILL signal\nTERM success\n"
	if got := readFile(t, filepath.Join(work, "stoppost")); got != want {
		t.Errorf("ExecStopPost saw %q, want %q", got, want)
	}
}

// writeStopPost writes work/stoppost.sh, which appends the exit status and
// result that systemd passes to ExecStopPost to work/stoppost, and "alive"
// if the main process is still there. A zombie is not: systemd starts
// ExecStopPost from its handling of the main process's exit, and reaps the
// process only after that handling.
func writeStopPost(t *testing.T, work string) {
	t.Helper()
	script := "cd " + work + "\n" +
		`pid=$(cat mainpid 2>/dev/null); alive=""` + "\n" +
		`st=$([ -n "$pid" ] && grep "^State:" /proc/$pid/status 2>/dev/null)` + "\n" +
		`case "$st" in ""|*Z*) ;; *) alive=" alive" ;; esac` + "\n" +
		`echo "$EXIT_STATUS $SERVICE_RESULT$alive" >>stoppost` + "\n"
	if err := os.WriteFile(filepath.Join(work, "stoppost.sh"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkRunning checks that the unit is active with the helper's sleep as its
// main process, in the unit's own cgroup, and returns the main PID.
func checkRunning(t *testing.T, c *Conn, unit, work string) int {
	t.Helper()
	s, err := c.State(context.Background(), unit)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(readFile(t, filepath.Join(work, "mainpid")))
	if s.ActiveState != "active" || s.SubState != "running" || s.MainPID != pid || pid == 0 {
		t.Fatalf("state %+v, want active/running with main PID %d", s, pid)
	}
	// the helper writes the pid of its background child once forked: the
	// child may still be the shell, about to exec sleep
	comm := ""
	if !until(10*time.Second, func() bool {
		comm = readFile(t, "/proc/"+strconv.Itoa(pid)+"/comm")
		return comm == "sleep\n"
	}) {
		t.Errorf("main process is %q, want sleep", comm)
	}
	if cg := readFile(t, filepath.Join(work, "cgroup")); cg != s.ControlGroup || !strings.HasSuffix(cg, "/"+unit) {
		t.Errorf("helper's cgroup %q, unit's %q", cg, s.ControlGroup)
	}
	return pid
}

// TestInSystemdGracefulStop: a container that takes its time on SIGTERM
// gets it, and its exit status reaches ExecStopPost.
func TestInSystemdGracefulStop(t *testing.T) {
	dir, c := inSandbox(t)
	work := mkdir(t, dir, "graceful")
	unit := "podunit-test-graceful.service"
	writeStopPost(t, work)
	tr := notifyUnit(unit, work)
	// READY=1 comes before the shell has set its trap: it says so in a file,
	// or a stop right after the start kills it before it can take its time.
	tr.Environment = append(tr.Environment, `HELPER_CMD=/bin/sh -c 'trap "sleep 0.5; exit 4" TERM; : >"$HELPER_DIR/trapped"; while :; do sleep 0.05; done'`)
	if err := c.StartTransient(context.Background(), tr); err != nil {
		t.Fatal(err)
	}
	waitState(t, c, unit, func(s *UnitState) bool { return s.ActiveState == "active" })
	if !until(20*time.Second, func() bool { _, err := os.Stat(filepath.Join(work, "trapped")); return err == nil }) {
		t.Fatal("the container never set its TERM trap")
	}
	if err := c.Stop(context.Background(), unit); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(work, "stoppost")); got != "4 exit-code\n" {
		t.Errorf("ExecStopPost saw %q, want the container's own exit 4", got)
	}
}

func TestInSystemdFailingUnitIsCollected(t *testing.T) {
	dir, c := inSandbox(t)
	work := mkdir(t, dir, "fail")
	unit := "podunit-test-fail.service"
	writeStopPost(t, work)
	tr := notifyUnit(unit, work)
	tr.ExecStart, tr.Restart = []string{"/bin/sh", "-c", "exit 7"}, "no"
	err := c.StartTransient(context.Background(), tr)
	if err == nil || !strings.Contains(err.Error(), unit) || !strings.Contains(err.Error(), "failed") {
		t.Fatalf("StartTransient of a failing unit: %v", err)
	}
	waitState(t, c, unit, func(s *UnitState) bool { return s.LoadState == "not-found" })
	if got := readFile(t, filepath.Join(work, "stoppost")); got != "7 exit-code\n" {
		t.Errorf("ExecStopPost saw %q", got)
	}
}

func TestInSystemdUnknownUnit(t *testing.T) {
	_, c := inSandbox(t)
	ctx := context.Background()
	unit := "podunit-test-nope.service"
	for op, err := range map[string]error{
		"stop":         c.Stop(ctx, unit),
		"start":        c.Start(ctx, unit),
		"kill":         c.Kill(ctx, unit, "all", syscall.SIGTERM),
		"reset-failed": c.ResetFailed(ctx, unit),
	} {
		if !errdefs.IsNotFound(err) || !strings.Contains(err.Error(), unit) {
			t.Errorf("%s: %v, want ErrNotFound naming the unit", op, err)
		}
	}
	s, err := c.State(ctx, unit)
	if err != nil || s.LoadState != "not-found" {
		t.Errorf("State: %+v, %v", s, err)
	}
}

func TestInSystemdLogs(t *testing.T) {
	_, c := inSandbox(t)
	unit := "podunit-test-logs.service"
	err := c.StartTransient(context.Background(), Transient{
		Name:      unit,
		ExecStart: []string{"/bin/sh", "-c", `echo one; echo two; echo "<3>oops"; echo three`},
		Type:      "oneshot", SyslogIdentifier: "logs", CollectMode: "inactive-or-failed",
	})
	if err != nil {
		t.Fatal(err)
	}
	checkLogs(t, LogOptions{Unit: unit, Tail: -1}, "one\ntwo\nthree\n", "oops\n")
	checkLogs(t, LogOptions{Unit: unit, Tail: 2}, "three\n", "oops\n")
	checkLogs(t, LogOptions{Unit: unit, Tail: 1, Identifier: "logs"}, "three\n", "")
	checkLogs(t, LogOptions{Unit: unit, Tail: -1, Since: time.Now().Add(time.Hour)}, "", "")

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	err = Logs(ctx, LogOptions{Unit: unit, Tail: -1, Follow: true}, &out, &errOut)
	if err != nil || out.String() != "one\ntwo\nthree\n" {
		t.Errorf("follow: %q, %v", out.String(), err)
	}
}

// checkLogs polls Logs until it returns what is wanted: journald stores a
// stream's lines a moment after the unit wrote them. Every 100 ms, not
// until's 10: each poll runs journalctl.
func checkLogs(t *testing.T, opts LogOptions, wantOut, wantErr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		out.Reset()
		errOut.Reset()
		if err := Logs(context.Background(), opts, &out, &errOut); err != nil {
			t.Fatal(err)
		}
		if out.String() == wantOut && errOut.String() == wantErr {
			return
		}
	}
	t.Errorf("Logs(%+v): stdout %q, stderr %q; want %q, %q", opts, out.String(), errOut.String(), wantOut, wantErr)
}

// waitState polls the unit's state until ok accepts it.
func waitState(t *testing.T, c *Conn, unit string, ok func(*UnitState) bool) *UnitState {
	t.Helper()
	var s *UnitState
	var err error
	if until(20*time.Second, func() bool {
		s, err = c.State(context.Background(), unit)
		return err == nil && ok(s)
	}) {
		return s
	}
	t.Fatalf("unit %s: last state %+v, %v", unit, s, err)
	return nil
}

// until polls ok every 10 ms and reports whether it held within limit.
func until(limit time.Duration, ok func() bool) bool {
	for deadline := time.Now().Add(limit); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

func mkdir(t *testing.T, dir, name string) string {
	t.Helper()
	d, err := os.MkdirTemp(dir, name)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFirstArgv(t *testing.T) {
	v := [][]any{{"/usr/bin/podunit", []string{"/usr/bin/podunit", "container", "unit-start", "abc"}, false}}
	if got := firstArgv(v); strings.Join(got, " ") != "/usr/bin/podunit container unit-start abc" {
		t.Fatalf("firstArgv = %q", got)
	}
	for _, bad := range []any{nil, [][]any{}, [][]any{{"/x"}}, "x"} {
		if got := firstArgv(bad); got != nil {
			t.Fatalf("firstArgv(%v) = %q, want nil", bad, got)
		}
	}
}

// TestInSystemdAuxSlice: a unit started with its slice as an aux unit runs
// in that slice, made with the aux's limits in the same call; a second
// call naming the same aux is ErrAlreadyExists and makes nothing.
func TestInSystemdAuxSlice(t *testing.T) {
	_, c := inSandbox(t)
	ctx := context.Background()
	slice := Transient{Name: "podunit-test-aux.slice", Properties: []Property{{Name: "MemoryMax", Value: uint64(64 << 20)}}}
	unit := func(name string) Transient {
		return Transient{Name: name, ExecStart: []string{"/bin/true"}, Type: "oneshot", RemainAfterExit: true,
			Slice: slice.Name, CollectMode: "inactive-or-failed"}
	}
	if err := c.StartTransient(ctx, unit("podunit-test-aux1.service"), slice); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop(ctx, "podunit-test-aux1.service"); _ = c.Stop(ctx, slice.Name) })
	show := func(unit, prop string) string {
		out, err := exec.Command("systemctl", "show", "-p", prop, "--value", unit).Output()
		if err != nil {
			t.Fatalf("systemctl show %s: %v", unit, err)
		}
		return strings.TrimSpace(string(out))
	}
	if got := show(slice.Name, "ActiveState") + " " + show(slice.Name, "MemoryMax"); got != "active 67108864" {
		t.Errorf("the aux slice: %q, want active with MemoryMax 67108864", got)
	}
	if got := show("podunit-test-aux1.service", "Slice"); got != slice.Name {
		t.Errorf("the unit runs in %q, want %s", got, slice.Name)
	}
	err := c.StartTransient(ctx, unit("podunit-test-aux2.service"), slice)
	if !errdefs.IsAlreadyExists(err) {
		t.Fatalf("a second unit with the same aux slice: %v, want ErrAlreadyExists", err)
	}
	if s, err := c.State(ctx, "podunit-test-aux2.service"); err != nil || s.LoadState != "not-found" {
		t.Errorf("the refused unit: %+v, %v; want it not made", s, err)
	}
}

// TestInSystemdQueuedJobs: a unit started after another's start is queued,
// and ordered after and bound to it, waits for it in systemd's queue, and
// fails with "dependency" (ErrConflict) when it fails, the first job's Wait
// reporting the failure itself, the same on every call.
func TestInSystemdQueuedJobs(t *testing.T) {
	dir, c := inSandbox(t)
	ctx := context.Background()
	work := mkdir(t, dir, "queued")
	mark := filepath.Join(work, "first-done")
	first := func(name, script string) Transient {
		return Transient{Name: name, ExecStart: []string{"/bin/sh", "-c", script}, Type: "oneshot",
			RemainAfterExit: true, CollectMode: "inactive-or-failed"}
	}
	second := func(name, after string) Transient {
		return Transient{Name: name, ExecStart: []string{"/bin/test", "-e", mark}, Type: "oneshot",
			RemainAfterExit: true, After: []string{after}, BindsTo: []string{after}, CollectMode: "inactive-or-failed"}
	}
	ok1, ok2 := "podunit-test-queued1.service", "podunit-test-queued2.service"
	t.Cleanup(func() { _ = c.Stop(ctx, ok2); _ = c.Stop(ctx, ok1) })
	j, err := c.QueueTransient(ctx, first(ok1, "sleep 0.3; touch "+mark))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(mark); err == nil {
		t.Errorf("QueueTransient returned after the unit's start finished, want at once")
	}
	if err := c.StartTransient(ctx, second(ok2, ok1)); err != nil {
		t.Errorf("the unit queued after the first: %v (did it run before the first finished?)", err)
	}
	if err := j.Wait(ctx); err != nil {
		t.Errorf("the first unit's job: %v", err)
	}

	bad1, bad2 := "podunit-test-queued3.service", "podunit-test-queued4.service"
	t.Cleanup(func() { _ = c.ResetFailed(ctx, bad1) })
	// it fails once the second's job is queued: one that failed before
	// would be collected, and the second refused for a BindsTo= not found
	if j, err = c.QueueTransient(ctx, first(bad1, "sleep 0.2; exit 3")); err != nil {
		t.Fatal(err)
	}
	if err := c.StartTransient(ctx, second(bad2, bad1)); !errdefs.IsConflict(err) || !strings.Contains(err.Error(), "dependency") {
		t.Errorf("the unit bound to a failing one: %v, want ErrConflict with dependency", err)
	}
	err = j.Wait(ctx)
	if err == nil || !strings.Contains(err.Error(), bad1) || !strings.Contains(err.Error(), "failed") {
		t.Errorf("the failing unit's job: %v, want its failure", err)
	}
	if again := j.Wait(ctx); again == nil || again.Error() != err.Error() {
		t.Errorf("Wait a second time: %v, want %v", again, err)
	}
	if s, err := c.State(ctx, bad2); err != nil || s.ActiveState == "active" {
		t.Errorf("the unit bound to the failed one: %+v, %v; want it not active", s, err)
	}
}

// A oneshot with only ExecStop= (a started pod's unit where the command
// pins the namespaces): active at once with no process, its ExecStop= run
// at each stop, a restart included, and nothing run at start.
func TestInSystemdStopOnlyOneshot(t *testing.T) {
	dir, c := inSandbox(t)
	ctx := context.Background()
	work := mkdir(t, dir, "stoponly")
	unit := "podunit-test-stoponly.service"
	tr := Transient{Name: unit, Type: "oneshot", RemainAfterExit: true, CollectMode: "inactive-or-failed",
		ExecStop: [][]string{{"/bin/sh", "-c", "echo stop >>" + filepath.Join(work, "log")}}}
	if err := c.StartTransient(ctx, tr); err != nil {
		t.Fatal(err)
	}
	if s, err := c.State(ctx, unit); err != nil || s.ActiveState != "active" || s.MainPID != 0 {
		t.Fatalf("after start: %+v, %v; want active with no main process", s, err)
	}
	if err := c.Restart(ctx, unit); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(work, "log")); got != "stop\n" {
		t.Errorf("after a restart the log is %q, want one stop", got)
	}
	if err := c.Stop(ctx, unit); err != nil {
		t.Fatal(err)
	}
	waitState(t, c, unit, func(s *UnitState) bool { return s.LoadState == "not-found" })
	if got := readFile(t, filepath.Join(work, "log")); got != "stop\nstop\n" {
		t.Errorf("after the stop the log is %q, want two stops", got)
	}
}

// TestInSystemdStartLimit: a start that systemd's start rate limit refuses
// is ErrStartLimit, named as such (systemd's job says only "failed"), and
// ResetFailed lifts the limit; a unit made with NoStartLimit is started as
// often as asked. Another unit's Wants= keeps each loaded between its
// stop and its next start, as other commands' jobs keep a container's.
func TestInSystemdStartLimit(t *testing.T) {
	_, c := inSandbox(t)
	ctx := context.Background()
	for _, noLimit := range []bool{false, true} {
		unit := "podunit-test-limit-" + strconv.FormatBool(noLimit) + ".service"
		tr := Transient{Name: unit, ExecStart: []string{"/bin/true"}, Type: "oneshot", RemainAfterExit: true, NoStartLimit: noLimit}
		if err := c.StartTransient(ctx, tr); err != nil {
			t.Fatal(err)
		}
		holder := Transient{Name: "podunit-test-hold-" + unit, ExecStart: []string{"/bin/true"},
			Type: "oneshot", RemainAfterExit: true, Wants: []string{unit}}
		if err := c.StartTransient(ctx, holder); err != nil {
			t.Fatal(err)
		}
		var err error
		starts := 1
		for ; starts < 10 && err == nil; starts++ {
			if err = c.Stop(ctx, unit); err == nil {
				err = c.Start(ctx, unit)
			}
		}
		switch {
		case noLimit && err != nil:
			t.Errorf("%s, made without a start limit: start %d: %v", unit, starts, err)
		case !noLimit && (!IsStartLimit(err) || !strings.Contains(err.Error(), unit) || !strings.Contains(err.Error(), "repeated too quickly")):
			t.Errorf("%s: start %d: %v, want ErrStartLimit naming the unit", unit, starts, err)
		case !noLimit:
			if err := c.ResetFailed(ctx, unit); err != nil {
				t.Fatal(err)
			}
			if err := c.Start(ctx, unit); err != nil {
				t.Errorf("start after ResetFailed: %v", err)
			}
		}
		_ = c.Stop(ctx, holder.Name)
		_ = c.Stop(ctx, unit)
	}
}

// TestInSystemdTimerRunsPastTheStartLimit: a timer's service is started
// as often as its interval says, past systemd's start rate limit (5 starts
// in 10 s), which ended a short health check interval's runs for good.
func TestInSystemdTimerRunsPastTheStartLimit(t *testing.T) {
	dir, c := inSandbox(t)
	ctx := context.Background()
	runs := filepath.Join(mkdir(t, dir, "timer"), "runs")
	tm := Timer{Name: "podunit-test-often.timer", ExecStart: []string{"/bin/sh", "-c", "echo run >> " + runs}, Every: 100 * time.Millisecond}
	if err := c.StartTimer(ctx, tm); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.StopTimer(ctx, tm.Name) })
	service := "podunit-test-often.service"
	n := 0
	if !until(30*time.Second, func() bool {
		data, _ := os.ReadFile(runs)
		n = strings.Count(string(data), "run\n")
		s, err := c.State(ctx, service)
		return n >= 8 || err == nil && s.Result == "start-limit-hit"
	}) || n < 8 {
		t.Fatalf("the timer's service ran %d times, then stopped", n)
	}
}

// TestInSystemdJobOutlivesReexec: a job waited for while the manager
// re-executes (daemon-reexec, as an upgrade of systemd runs it) is
// followed over a new connection to its end, which the connection serves
// from then on; before, the wait never ended (Go's "all goroutines are
// asleep" in a command).
func TestInSystemdJobOutlivesReexec(t *testing.T) {
	_, c := inSandbox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	unit := "podunit-test-reexec.service"
	tr := Transient{Name: unit, Type: "oneshot", RemainAfterExit: true, ExecStart: []string{"/bin/sleep", "2"},
		ExecStop: [][]string{{"/bin/sleep", "2"}}}
	for _, op := range []string{"start", "stop"} {
		var j *Job
		var err error
		if op == "start" {
			j, err = c.QueueTransient(ctx, tr)
		} else {
			j, err = c.queueJob(ctx, "stop", unit, func(ctx context.Context, ch chan<- string) (int, error) {
				return c.bus().StopUnitContext(ctx, unit, "replace", ch)
			})
		}
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		if out, err := exec.Command("systemctl", "daemon-reexec").CombinedOutput(); err != nil {
			t.Fatalf("daemon-reexec: %v: %s", err, out)
		}
		if err := j.Wait(ctx); err != nil {
			t.Fatalf("%s across daemon-reexec: %v", op, err)
		}
		s, err := c.State(ctx, unit)
		if err != nil {
			t.Fatalf("state after the %s: %v", op, err)
		}
		if want := map[string]string{"start": "active", "stop": "inactive"}[op]; s.ActiveState != want && !(op == "stop" && s.LoadState == "not-found") {
			t.Errorf("after the %s: %s, want %s", op, s.ActiveState, want)
		}
	}
}
