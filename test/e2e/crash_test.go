package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCrashesLeaveWhatARerunFinishes kills podunit with SIGKILL at many
// points of run, then checks that rm -f finishes every container it left
// and nothing remains: no record, no storage container, no mount, no
// runtime state (DESIGN.md principle 5).
func TestCrashesLeaveWhatARerunFinishes(t *testing.T) {
	e := newEnv(t, nil, "runc")
	e.image()
	t.Run("killed while its container runs", func(t *testing.T) {
		e := e.on(t)
		killedRun(t, e, "orphan")
		if st := e.field("orphan", "{{.State.Status}}"); st != "running" {
			t.Fatalf("the container outlives podunit, but inspect says %s", st)
		}
		e.must("rm", "-f", "-t", "0", "orphan")
	})
	t.Run("killed at many points of run --rm", func(t *testing.T) {
		e := e.on(t)
		for i := 0; i < 16; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			cmd := e.command(ctx, "run", "--rm", "--name", fmt.Sprintf("k%d", i), "bb", "sleep", "1")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Duration(i*8) * time.Millisecond)
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			cancel()
		}
		t.Logf("left by the kills:\n%s", e.must("ps", "-a", "--format", "{{.Names}} {{.State}} {{.Pid}}"))
		for _, id := range strings.Fields(e.must("ps", "-aq", "--no-trunc")) {
			e.must("rm", "-f", "-t", "0", id)
		}
		for i := 0; i < 16; i++ { // every name is free again
			e.must("create", "--name", fmt.Sprintf("k%d", i), "bb", "true")
			e.must("rm", fmt.Sprintf("k%d", i))
		}
	})
	checkNothingLeft(t, e)
}

// checkNothingLeft: no container record, storage container, mount or
// runtime state under e's roots.
func checkNothingLeft(t *testing.T, e *env) {
	t.Helper()
	if out := e.must("ps", "-aq"); out != "" {
		t.Errorf("records remain: %q", out)
	}
	if ids := storageContainers(t, e); len(ids) != 0 {
		t.Errorf("storage containers remain: %v", ids)
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(mi), "\n") {
		if strings.Contains(line, e.dir) && strings.Contains(line, "/merged") {
			t.Errorf("a rootfs is still mounted: %s", line)
		}
	}
	states, _ := filepath.Glob(filepath.Join(e.dir, "run", "podunit", "runtime", "runc", "*"))
	if len(states) > 0 {
		t.Errorf("runtime state remains: %v", states)
	}
}
