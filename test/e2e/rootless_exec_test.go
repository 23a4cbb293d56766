package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// checkRootlessExec: exec reaches a container another podunit runs in a
// user namespace of its own (an attached run here): it runs in that
// container, as its root (the user), with its exit code and stdin; ps and
// inspect see the container, and rm -f ends it.
func checkRootlessExec(t *testing.T, u *rootlessUser) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := u.command(ctx, nil, "run", "--rm", "--name", "ex", "--health-cmd", "test -f /marker", "bb", "sh", "-c",
		"echo there > /marker; exec sleep 100")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { // on a failure: the container, then the run
		if cmd.ProcessState == nil {
			_ = u.run(nil, "rm", "-f", "-t", "0", "ex")
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	eventually(t, 20*time.Second, "the container to run", func() bool {
		return u.run(nil, "exec", "ex", "test", "-f", "/marker").code == 0
	})
	out := u.must("exec", "ex", "sh", "-c", "cat /marker; head -n1 /proc/self/uid_map; id -u")
	if got := strings.Join(strings.Fields(out), " "); got != "there 0 "+u.uid+" 1 0" {
		t.Errorf("exec in the running container printed %q", out)
	}
	if r := u.run(nil, "exec", "ex", "sh", "-c", "exit 3"); r.code != 3 {
		t.Errorf("exec's exit code %d, want 3 (stderr %q)", r.code, r.err)
	}
	in := u.command(ctx, nil, "exec", "-i", "ex", "cat")
	in.Stdin = strings.NewReader("through stdin\n")
	if b, err := in.Output(); err != nil || string(b) != "through stdin\n" {
		t.Errorf("exec -i: %q, %v", b, err)
	}
	checkRootlessJoiners(t, u)
	if got := u.field("ex", "{{.State.Status}}"); got != "running" {
		t.Errorf("inspect says %q", got)
	}
	if out := u.must("ps", "--format", "{{.Names}} {{.Status}}"); !strings.HasPrefix(out, "ex Up") {
		t.Errorf("ps: %q", out)
	}
	u.must("rm", "-f", "-t", "1", "ex")
	if err := cmd.Wait(); err == nil || cmd.ProcessState.ExitCode() == 0 {
		t.Errorf("the attached run after rm -f: %v", err)
	}
	if out := u.must("ps", "-aq"); out != "" {
		t.Errorf("rm -f left %q", out)
	}
}

// checkRootlessJoiners: the verbs besides exec that reach into a running
// container another podunit started: healthcheck run (passing), top (the
// container's processes only, not the session's that share its cgroup),
// cp out of it and into it.
func checkRootlessJoiners(t *testing.T, u *rootlessUser) {
	if r := u.run(nil, "healthcheck", "run", "ex"); r.code != 0 {
		t.Errorf("healthcheck run: exit %d, %q %q", r.code, r.out, r.err)
	}
	rows := strings.Split(strings.TrimSpace(u.must("top", "ex", "pid", "args")), "\n")
	if len(rows) != 2 || strings.Join(strings.Fields(rows[1]), " ") != "1 sleep 100" {
		t.Errorf("top lists %q", rows)
	}
	if out := u.must("cp", "ex:/marker", "-"); !strings.Contains(out, "there\n") {
		t.Errorf("cp out of the container: %q", out)
	}
	in := filepath.Join(u.home, "in")
	if err := os.WriteFile(in, []byte("copied-in\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	u.must("cp", in, "ex:/in")
	if out := u.must("exec", "ex", "cat", "/in"); out != "copied-in\n" {
		t.Errorf("cp into the container: %q", out)
	}
}
