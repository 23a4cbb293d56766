package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

// execSession is what `container exec-inspect` prints of a session.
type execSession struct {
	ID, ContainerID string
	Running         bool
	Pid, ExitCode   int
	ProcessConfig   struct {
		Entrypoint string `json:"entrypoint"`
		Arguments  []string
		Tty        bool `json:"tty"`
	}
}

func (e *env) execSession(id string) execSession {
	e.t.Helper()
	var s []execSession
	out := e.must("container", "exec-inspect", id)
	if err := json.Unmarshal([]byte(out), &s); err != nil || len(s) != 1 {
		e.t.Fatalf("exec-inspect %s: %v\n%s", id, err, out)
	}
	return s[0]
}

// waitExecEnd waits for session id to end and returns its exit code.
func (e *env) waitExecEnd(id string) int {
	e.t.Helper()
	var s execSession
	eventually(e.t, 30*time.Second, "exec session "+id+" ended", func() bool {
		s = e.execSession(id)
		return !s.Running
	})
	return s.ExitCode
}

// killIn sends SIGTERM to the processes of container name whose command
// line matches the regular expression re (written so as not to match
// itself; the image has no pkill).
func (e *env) killIn(name, re string) {
	e.t.Helper()
	e.must("exec", name, "sh", "-c", "for p in /proc/[0-9]*; do grep -q '"+re+"' $p/cmdline 2>/dev/null && kill ${p#/proc/}; done; true")
}

var sessionID = regexp.MustCompile(`^[0-9a-f]{64}\n$`)

// checkExecDetached drives exec -d in the running container name: it prints
// the session's ID at once, the session shows in inspect's ExecIDs while it
// runs and leaves them when it ends, and exec-inspect has its process and
// then its exit code (7; 143 after a SIGTERM for exec -dt, whose terminal a
// keeper held); a missing command fails as exec does (127) or ends its
// session with 127. It returns the ID of a session left running, which
// checkExecSessionsGo finds gone with the container.
func checkExecDetached(t *testing.T, e *env, name string) string {
	e = e.on(t)
	id := e.must("exec", "-d", name, "sh", "-c", "while [ ! -e /tmp/go ]; do sleep 0.1; done; exit 7")
	if !sessionID.MatchString(id) {
		t.Fatalf("exec -d printed %q, want a session ID", id)
	}
	id = strings.TrimSpace(id)
	s := e.execSession(id[:12])
	if !s.Running || s.Pid <= 0 || s.ProcessConfig.Entrypoint != "sh" || s.ContainerID == "" {
		t.Errorf("exec-inspect of a running session: %+v", s)
	}
	if got := e.field(name, "{{.ExecIDs}}"); got != "["+id+"]" {
		t.Errorf("ExecIDs while it runs = %s, want [%s]", got, id)
	}
	e.must("exec", name, "touch", "/tmp/go")
	if code := e.waitExecEnd(id); code != 7 {
		t.Errorf("exec -d's recorded exit code = %d, want 7", code)
	}
	if got := e.field(name, "{{.ExecIDs}}"); got != "[]" {
		t.Errorf("ExecIDs after it ended = %s, want []", got)
	}
	dt := strings.TrimSpace(e.must("exec", "-dt", name, "sh", "-c", "tty > /tmp/dt-tty; exec sleep 4545"))
	eventually(t, 20*time.Second, "exec -dt's tty written", func() bool {
		return strings.HasPrefix(e.run("exec", name, "cat", "/tmp/dt-tty").out, "/dev/pts/")
	})
	if s := e.execSession(dt); !s.Running || !s.ProcessConfig.Tty {
		t.Errorf("exec -dt's session: %+v", s)
	}
	e.killIn(name, "454[5]")
	if code := e.waitExecEnd(dt); code != 143 {
		t.Errorf("exec -dt ended by SIGTERM: recorded %d, want 143", code)
	}
	r := e.run("exec", "-d", name, "no-such-command")
	switch {
	case r.code == 127 && strings.HasPrefix(r.err, "Error: "):
	case r.code == 0 && sessionID.MatchString(r.out):
		if code := e.waitExecEnd(strings.TrimSpace(r.out)); code != 127 {
			t.Errorf("exec -d of a missing command: session ended %d, want 127", code)
		}
	default:
		t.Errorf("exec -d of a missing command: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
	if r := e.run("container", "exec-inspect", "no-such-session"); r.code != 125 || !strings.Contains(r.err, `"no-such-session"`) {
		t.Errorf("exec-inspect of no session: exit %d, stderr %q", r.code, r.err)
	}
	return strings.TrimSpace(e.must("exec", "-d", name, "sleep", "4646"))
}

// checkExecSessionsGo: removing a container takes its exec sessions,
// running or ended, with it.
func checkExecSessionsGo(t *testing.T, e *env, name string, ids ...string) {
	e = e.on(t)
	e.run("rm", "-f", "-t", "0", name)
	for _, id := range ids {
		if r := e.run("container", "exec-inspect", id); r.code != 125 || !strings.Contains(r.err, "no exec session") {
			t.Errorf("exec-inspect %s after %s stopped: exit %d, stderr %q, stdout %q", id, name, r.code, r.err, r.out)
		}
	}
}
