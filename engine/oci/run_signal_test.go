package oci

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// startSleep runs the executable at path as "sleep 30", killed at the test's end.
func startSleep(t *testing.T, path string) int {
	t.Helper()
	cmd := exec.Command(path, "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd.Process.Pid
}

// A container init runs the runtime's code while it is a clone of the runtime
// process (crun's) or names itself runc:[...] (runc's re-executed init); once it
// has exec'd the container's program it does not, and a process that is gone
// does not either (a signal has nothing to wait for).
func TestRuntimeCode(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	copyTo := func(name string) string {
		data, err := os.ReadFile(sleep)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	runtime := startSleep(t, sleep)
	clone := startSleep(t, sleep)                      // crun's init: the runtime's executable
	program := startSleep(t, copyTo("program"))        // an init that has exec'd: another file
	runcInit := startSleep(t, copyTo("runc:[2:INIT]")) // runc's init names itself so
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		pid  int
		want bool
	}{{"a clone of the runtime", clone, true}, {"another program", program, false},
		{"runc's init", runcInit, true}, {"a process that is gone", gone.Process.Pid, false}} {
		if got := runtimeCodeOf(runtime).runs(c.pid); got != c.want {
			t.Errorf("runtimeCode.runs(%s) = %v, want %v", c.name, got, c.want)
		}
	}
	start := time.Now()
	if !pollUntil(execWait, func() bool { return !runtimeCodeOf(runtime).runs(program) }) || time.Since(start) > execWait/2 {
		t.Errorf("the wait for a program that runs took %v", time.Since(start)) // returns at once: nothing to wait for
	}
	if runtimeCodeOf(gone.Process.Pid).runs(clone) {
		t.Error("a runtime process that is gone has the clone's executable")
	}
}
