package e2e

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// exitCodeCases are Podman's exit codes for run, checked on each runtime.
var exitCodeCases = []struct {
	name string
	args []string
	want int
}{
	{"container's own code", []string{"run", "--rm", "bb", "sh", "-c", "exit 3"}, 3},
	{"missing command", []string{"run", "--rm", "bb", "no-such-command"}, 127},
	{"directory as command", []string{"run", "--rm", "bb", "/etc"}, 126},
	{"bad flag", []string{"run", "--no-such-flag", "bb", "true"}, 125},
	{"success", []string{"run", "--rm", "bb", "true"}, 0},
}

func checkExitCodes(t *testing.T, e *env) {
	e = e.on(t)
	for _, c := range exitCodeCases {
		t.Run(c.name, func(t *testing.T) {
			e := e.on(t)
			r := e.run(c.args...)
			if r.code != c.want {
				t.Fatalf("podunit %s: exit %d, want %d\nstderr: %s", strings.Join(c.args, " "), r.code, c.want, r.err)
			}
			if c.want >= 125 && !strings.Contains(r.err, "Error: ") {
				t.Errorf("exit %d without an Error: line; stderr: %q", r.code, r.err)
			}
		})
	}
	if out := e.must("ps", "-aq"); out != "" {
		t.Errorf("--rm containers left behind: %q", out)
	}
}

// TestExitCodesOnHostWithRunc runs attached, without systemd, on the host.
func TestExitCodesOnHostWithRunc(t *testing.T) {
	// not parallel: catches a container in its 0.3 s life while two CPU hogs run
	e := newEnv(t, nil, "runc")
	e.image()
	checkExitCodes(t, e)
	t.Run("SIGKILL gives 137", func(t *testing.T) { checkKilled137(t, e) })
	t.Run("rm and rmi", func(t *testing.T) { checkRemoveExitCodes(t, e) })
	t.Run("wait on attached runs", func(t *testing.T) { checkWaitAttached(t, e) }) // wait_test.go
	t.Run("run -d without systemd says so", func(t *testing.T) {
		e := e.on(t)
		r := e.run("run", "-d", "bb", "true")
		if r.code != 125 || !strings.Contains(r.err, "systemd") {
			t.Fatalf("run -d on a host without systemd: exit %d, stderr %q", r.code, r.err)
		}
		if out := e.must("ps", "-aq"); out != "" {
			t.Errorf("run -d without systemd created a container: %q", out)
		}
	})
}

// checkKilled137 kills an attached container from a second podunit and
// checks that the first exits 137 and the record agrees.
func checkKilled137(t *testing.T, e *env) {
	e = e.on(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := e.command(ctx, "run", "--name", "victim", "bb", "sleep", "600")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "victim running", func() bool {
		return e.run("inspect", "--format", "{{.State.Status}}", "victim").out == "running\n"
	})
	e.must("kill", "-s", "KILL", "victim")
	err := cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	if code != 137 {
		t.Fatalf("attached run after SIGKILL: exit %d, want 137 (%v, stderr %q)", code, err, stderr.String())
	}
	if got := e.field("victim", "{{.State.Status}} {{.State.ExitCode}}"); got != "exited 137" {
		t.Fatalf("inspect after SIGKILL: %q, want \"exited 137\"", got)
	}
	e.must("rm", "victim")
}

// checkRemoveExitCodes: rm and rmi exit as podman-rm(1) and podman-rmi(1)
// say: 1 when the only failure is a missing object, 2 when one is in use.
func checkRemoveExitCodes(t *testing.T, e *env) {
	e = e.on(t)
	e.must("create", "--name", "user", "bb", "true")
	cases := []struct {
		args []string
		want int
	}{
		{[]string{"rm", "nosuch"}, 1},
		{[]string{"rm", "-f", "nosuch"}, 1},
		{[]string{"rmi", "nosuch"}, 1},
		{[]string{"image", "rm", "nosuch"}, 1},
		{[]string{"rmi", "bb"}, 2},
		{[]string{"rmi", "bb", "nosuch"}, 2},
	}
	for _, c := range cases {
		r := e.run(c.args...)
		if r.code != c.want || !strings.Contains(r.err, "Error: ") {
			t.Errorf("podunit %s: exit %d, want %d; stderr %q", strings.Join(c.args, " "), r.code, c.want, r.err)
		}
	}
	if out := e.must("rm", "user"); out != "user\n" {
		t.Errorf("rm printed %q", out)
	}
}
