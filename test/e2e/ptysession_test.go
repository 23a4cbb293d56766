package e2e

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// ptySession is podunit run on a pseudo-terminal of its own (its
// controlling terminal and stdio), driven as a user at a keyboard would.
type ptySession struct {
	t      testing.TB
	cmd    *exec.Cmd
	master *os.File
	cancel context.CancelFunc
	mu     sync.Mutex
	seen   strings.Builder // everything the terminal showed
	read   int             // how much of seen expect has consumed
	done   chan struct{}   // closed when the terminal reads EOF or EIO
}

// onPty starts podunit with args on a new 24x80 terminal.
func onPty(t testing.TB, e *env, args ...string) *ptySession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	cmd := e.command(ctx, args...)
	master, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	s := &ptySession{t: t, cmd: cmd, master: master, cancel: cancel, done: make(chan struct{})}
	go s.pump()
	t.Cleanup(func() { s.cancel(); master.Close(); _ = cmd.Wait() })
	return s
}

func (s *ptySession) pump() {
	defer close(s.done)
	buf := make([]byte, 4096)
	for {
		n, err := s.master.Read(buf)
		s.mu.Lock()
		s.seen.Write(buf[:n])
		s.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// expect waits until want shows on the terminal after what earlier calls
// consumed, and consumes up to its end.
func (s *ptySession) expect(want string) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s.mu.Lock()
		all := s.seen.String()
		i := strings.Index(all[s.read:], want)
		if i >= 0 {
			s.read += i + len(want)
		}
		s.mu.Unlock()
		if i >= 0 {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("terminal never showed %q; it showed:\n%q", want, all)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// send types text.
func (s *ptySession) send(text string) {
	s.t.Helper()
	if _, err := s.master.Write([]byte(text)); err != nil {
		s.t.Fatalf("typing %q: %v", text, err)
	}
}

// resize changes the terminal's size, as a terminal emulator does: the
// kernel sends SIGWINCH to its foreground process group.
func (s *ptySession) resize(rows, cols uint16) {
	s.t.Helper()
	if err := pty.Setsize(s.master, &pty.Winsize{Rows: rows, Cols: cols}); err != nil {
		s.t.Fatal(err)
	}
}

// wait waits for podunit to exit and returns its exit code.
func (s *ptySession) wait() int {
	s.t.Helper()
	err := s.cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			s.t.Fatalf("podunit died of %v; terminal:\n%q", ws.Signal(), s.output())
		}
		return exit.ExitCode()
	}
	s.t.Fatalf("podunit: %v", err)
	return -1
}

// wantExit waits for podunit and fails the test unless it exits with want.
func (s *ptySession) wantExit(want int, what string) {
	s.t.Helper()
	if code := s.wait(); code != want {
		s.t.Fatalf("%s exited %d, want %d; terminal:\n%q", what, code, want, s.output())
	}
}

func (s *ptySession) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen.String()
}
