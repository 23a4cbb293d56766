package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDetachKeysOnAttachedRuns: run and start -a take --detach-keys as
// Podman's; where they cannot detach (here without systemd, and without
// -it anywhere) "" and the default are what they do (no detaching), another
// sequence is refused, exit 125, naming flag and value, before anything is
// created, and a malformed one always (exec's too). Under systemd run -it
// detaches (checkRunITDetaches).
func TestDetachKeysOnAttachedRuns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	if out := e.must("run", "--rm", "--detach-keys", "", "bb", "echo", "ran"); out != "ran\n" {
		t.Errorf("run --detach-keys \"\" printed %q", out)
	}
	e.must("create", "--name", "dk", "bb", "true")
	for _, args := range [][]string{
		{"run", "--rm", "-i", "--detach-keys", "ctrl-a", "bb", "true"},
		{"run", "--rm", "-it", "--detach-keys", "ctrl-a", "bb", "true"}, // no systemd here: attached to this command
		{"start", "-a", "--detach-keys", "ctrl-a", "dk"},
		{"run", "--rm", "--detach-keys", "ctrl-", "bb", "true"},
		{"exec", "-it", "--detach-keys", "ctrl-", "dk", "true"},
	} {
		r := e.run(args...)
		named := "--detach-keys \"" + args[slices.Index(args, "--detach-keys")+1] + "\""
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, named) {
			t.Errorf("%q: exit %d, stderr %q; want 125 and an Error: naming --detach-keys and its value", args, r.code, r.err)
		}
	}
	if out := e.must("ps", "-a", "--format", "{{.Names}} {{.Status}}"); !strings.HasPrefix(out, "dk Created") || strings.Count(out, "\n") != 1 {
		t.Errorf("after the refusals ps -a = %q, want dk alone, still created", out)
	}
}

// checkExecDetach drives exec -it in the running container name on a
// pseudo-terminal (TestTerminalOnHost): the detach keys (the default
// ctrl-p,ctrl-q, then ctrl-a) end exec with 0 and leave the process running
// on its terminal; with --detach-keys "" they reach the process, which ends
// exec with its own code.
func checkExecDetach(t *testing.T, e *env, name string) {
	e = e.on(t)
	running := func(cmd string) bool { return strings.Contains(e.must("exec", name, "ps"), cmd) }
	for _, c := range []struct{ keys, typed, cmd string }{{"", "\x10\x11", "sleep 4242"}, {"ctrl-a", "\x01", "sleep 4343"}} {
		args := []string{"exec", "-it", name, "sh"}
		if c.keys != "" {
			args = []string{"exec", "-it", "--detach-keys", c.keys, name, "sh"}
		}
		s := onPty(t, e, args...)
		s.expect("# ")
		s.send("exec " + c.cmd + "\r")
		eventually(t, 10*time.Second, c.cmd+" running", func() bool { return running(c.cmd) })
		s.send(c.typed)
		s.wantExit(0, "exec -it after the detach keys "+c.keys)
		time.Sleep(300 * time.Millisecond) // a hung-up terminal would have ended it by now
		if !running(c.cmd) {
			t.Errorf("after detaching (%q) %s is gone:\n%s", c.typed, c.cmd, e.must("exec", name, "ps"))
		}
	}
	// Each detached exec is a session, running until its process ends,
	// which its waiter records: SIGTERM, 143.
	ids := strings.Fields(strings.Trim(e.field(name, "{{.ExecIDs}}"), "[]"))
	if len(ids) != 2 {
		t.Fatalf("ExecIDs after two detached exec -it = %v, want two sessions", ids)
	}
	e.killIn(name, "4[23]4[23]")
	for _, id := range ids {
		if code := e.waitExecEnd(id); code != 143 {
			t.Errorf("detached exec -it %s ended by SIGTERM: recorded %d, want 143", id, code)
		}
	}
	s := onPty(t, e, "exec", "-it", "--detach-keys", "", name, "sh")
	s.expect("# ")
	s.send("\x10\x11exit 3\r")
	s.wantExit(3, "exec -it --detach-keys \"\" after ctrl-p ctrl-q and exit 3")
}
