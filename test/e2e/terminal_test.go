package e2e

import (
	"testing"
)

// checkRunIT drives `run -it` on a terminal: the shell's prompt, typed
// input echoed and run, the size the caller's terminal has and then a new
// one after a resize, and the shell's exit code as podunit's.
func checkRunIT(t *testing.T, e *env) {
	e = e.on(t)
	s := onPty(t, e, "run", "-it", "--rm", "--name", "it", "bb", "sh")
	s.expect("# ")
	s.send("stty size; tty\r")
	s.expect("24 80\r\n/dev/pts/0\r\n")
	s.resize(40, 100)
	s.send("stty size\r")
	s.expect("40 100\r\n")
	s.send("echo typed-$((6*7))\r")
	s.expect("typed-42")
	s.send("exit 3\r")
	if code := s.wait(); code != 3 {
		t.Fatalf("run -it exited %d, want 3; terminal:\n%q", code, s.output())
	}
}

func TestTerminalOnHost(t *testing.T) {
	e := newEnv(t, nil, "runc")
	e.image()
	t.Run("run -it", func(t *testing.T) { checkRunIT(t, e) })
}
