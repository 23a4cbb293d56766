package e2e

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestAttachedRunsOutliveSystemdTrims: attached runs under systemd live in a
// delegated scope of their own, so that PID 1 never removes their cgroup.
// systemd re-realizes the root slice whenever the last delegated unit goes
// away, and on the v1 hierarchies that no unit then needs (cpu here) it
// removes every empty cgroup below the root: a cgroupfs path such as
// /podunit/ID that crun has just made and not yet entered went with them,
// and the run failed with crun's "opening file .../cpu/podunit/ID/cgroup.procs:
// No such file or directory" (issue 13's churn defect). Here a loop starts and
// stops a delegated unit while attached runs race it.
func TestAttachedRunsOutliveSystemdTrims(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	e.image()
	attachedInScope(t, e)
	var stop atomic.Bool
	trims := make(chan int)
	go func() { trims <- trimLoop(&stop, sb) }()
	var mu sync.Mutex
	var failed []string
	var wg sync.WaitGroup
	go func() { trims <- trimLoop(&stop, sb) }()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 12 {
				if r := e.run("run", "--rm", "bb", "true"); r.code != 0 {
					mu.Lock()
					failed = append(failed, strings.TrimSpace(r.err))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	stop.Store(true)
	t.Logf("48 attached runs while systemd trimmed its root slice %d times", <-trims+<-trims)
	for _, f := range failed {
		t.Errorf("run --rm bb true: %s", f)
	}
	census(t, e, "after the attached runs")
}

// trimLoop starts and stops a delegated unit until stop is set, so that
// systemd keeps trimming the v1 hierarchies under its root slice, and
// returns how often it did.
func trimLoop(stop *atomic.Bool, sb *harness.Sandbox) int {
	n := 0
	for !stop.Load() {
		if _, _, code, err := sb.Exec("systemd-run", "--quiet", "--wait", "-p", "Delegate=yes", "true"); err == nil && code == 0 {
			n++
		}
	}
	return n
}

// attachedInScope checks that a container run attached is in the cgroup
// "container" of its own scope podunit-ID.scope, in every hierarchy.
func attachedInScope(t *testing.T, e *env) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := e.command(ctx, "run", "--rm", "--name", "cg", "bb", "sleep", "600")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "cg running", func() bool {
		return e.run("inspect", "--format", "{{.State.Status}}", "cg").out == "running\n"
	})
	id, pid := e.field("cg", "{{.Id}}"), e.field("cg", "{{.State.Pid}}")
	cg := e.sh("cat /proc/" + pid + "/cgroup")
	for _, l := range strings.Split(strings.TrimSpace(cg), "\n") {
		if !strings.HasSuffix(l, "/podunit-"+id+".scope/container") {
			t.Errorf("an attached run's container is not in its own scope: %s", l)
		}
	}
	e.must("kill", "cg") // the run ends, and its --rm removes the container
	_ = cmd.Wait()
}
