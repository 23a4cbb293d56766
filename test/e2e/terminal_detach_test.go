package e2e

import (
	"strings"
	"testing"
	"time"
)

// checkRunITDetaches: under systemd run -it and start -ai run the
// container in its unit, attached from the first byte, and detach as
// attach does. run -it: the prompt, the caller's size from the start,
// typed input, ctrl-p ctrl-q → exit 0 with the container running; attach
// reaches the same shell and `exit 3` is its code. start -ai with
// --detach-keys ctrl-x,a the same. --rm: detached, attached, ended: the
// code is kept and the container is gone. And the rest: the size from the
// first byte, the output to the last, a held unit, a SIGTERM passed on.
func checkRunITDetaches(t *testing.T, e *env) {
	e = e.on(t)
	e.sb.DumpOnFailure(t, "podunit-dt.service")
	defer e.run("rm", "-f", "-t", "0", "dt")
	s := onPty(t, e, "run", "-it", "--name", "dt", "bb", "sh")
	s.expect("# ")
	s.send("stty size; echo typed-$((6*7))\r")
	s.expect("24 80\r\ntyped-42\r\n/ # ")
	detachRunning(t, e, s, "\x10\x11", "dt")
	if out := e.must("ps", "--format", "{{.Names}}"); !strings.Contains(out, "dt\n") {
		t.Fatalf("ps after run -it detached:\n%s", out)
	}
	attachExit(t, e, "dt", 3)
	s = onPty(t, e, "start", "-ai", "--detach-keys", "ctrl-x,a", "dt")
	s.expect("# ") // the shell's first prompt: attached from the first byte
	s.send("echo again-$((2+3))\r")
	s.expect("again-5\r\n/ # ")
	detachRunning(t, e, s, "\x18a", "dt")
	attachExit(t, e, "dt", 4)
	s = onPty(t, e, "run", "-it", "--rm", "--name", "rmd", "bb", "sh")
	s.expect("# ")
	detachRunning(t, e, s, "\x10\x11", "rmd")
	attachExit(t, e, "rmd", 5)
	eventually(t, 20*time.Second, "the --rm container gone", func() bool {
		return e.run("inspect", "rmd").code != 0
	})
	// A program that ends at once sees the caller's size from its start
	// (unit-start put it in the spec) and its output whole reaches run -it
	// (systemd leaves the keeper to read it to the end: SendSIGKILL=no).
	for i := range 3 {
		name := "seq" + string(rune('0'+i))
		s = onPty(t, e, "run", "-it", "--rm", "--name", name, "bb", "sh", "-c", "stty size; seq 2000; exit 2")
		s.expect("24 80\r\n1\r\n")
		s.expect("\r\n2000\r\n")
		s.wantExit(2, "run -it of stty size and seq")
		unit := "podunit-" + name + ".service"
		var journal string
		eventually(t, 20*time.Second, "the unit's end in the journal", func() bool {
			journal = e.sb.Run(t, "journalctl", "-u", unit, "--no-pager")
			return strings.Contains(journal, "Failed with result")
		})
		if strings.Contains(journal, "SIGKILL") {
			t.Fatalf("systemd killed what was left in %s (the keeper could lose output):\n%s", unit, journal)
		}
	}
	checkHeldUnit(t, e)
	// A SIGTERM to run -it goes to the container (through its unit), which
	// ends with its own code.
	s = onPty(t, e, "run", "-it", "--rm", "--name", "sigt", "bb", "sh", "-c",
		`trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.1; done`)
	s.expect("ready\r\n")
	e.sb.Run(t, "kill", "-TERM", strings.TrimSpace(e.sb.Run(t, "pgrep", "-f", "podunit .*run -it --rm --name sigt")))
	s.expect("got-term\r\n")
	s.wantExit(7, "run -it after SIGTERM")
}

// checkHeldUnit: a container unit that another unit keeps loaded (its
// After=) after it stopped cannot take a new caller's stdin when started
// again: start -ai then runs the container under podunit-ID.service, and
// is attached there as well.
func checkHeldUnit(t *testing.T, e *env) {
	t.Helper()
	e.sb.Run(t, "systemd-run", "--quiet", "--unit", "holder", "-p", "After=podunit-held.service", "sleep", "600")
	defer e.sb.Exec("systemctl", "stop", "holder")
	e.must("create", "-it", "--name", "held", "bb", "sh")
	defer e.run("rm", "-f", "-t", "0", "held")
	for i, code := range []int{1, 6} {
		s := onPty(t, e, "start", "-ai", "held")
		s.expect("# ")
		s.send("echo run-" + string(rune('0'+i)) + "\r")
		s.expect("run-" + string(rune('0'+i)))
		s.send("exit " + string(rune('0'+code)) + "\r")
		s.wantExit(code, "start -ai with its unit held loaded")
	}
}

// attachExit attaches to name's shell, sees it answer and follow a
// resize, and ends it with code: attach exits with it.
func attachExit(t *testing.T, e *env, name string, code int) {
	t.Helper()
	s := onPty(t, e, "attach", name)
	s.send("echo attached-$((40+2))\r")
	s.expect("attached-42")
	s.resize(30, 90)
	s.send("stty size\r")
	s.expect("30 90\r\n")
	s.send("exit " + string(rune('0'+code)) + "\r")
	s.wantExit(code, "attach to "+name)
}

// detachRunning types the detach keys on s, at the shell's prompt: podunit
// exits 0, having printed nothing after the prompt, and the container name
// runs on.
func detachRunning(t *testing.T, e *env, s *ptySession, keys, name string) {
	t.Helper()
	s.send(keys)
	s.wantExit(0, "podunit after the detach keys")
	<-s.done
	// busybox's sh asks where the cursor is (ESC [6n) after its prompt
	if out := strings.TrimSuffix(s.output(), "\x1b[6n"); !strings.HasSuffix(out, "# ") {
		t.Errorf("after the detach keys at the prompt the terminal showed more:\n%q", out)
	}
	if got := e.field(name, "{{.State.Status}}"); got != "running" {
		t.Fatalf("after detaching %s is %q, want running", name, got)
	}
}
