package engine

import (
	"os"
	"syscall"
	"testing"
)

// A signal that came before the container started ends the run unless it
// is a SIGWINCH, which is dropped; none pending, nothing.
func TestEarlySignal(t *testing.T) {
	sigs := make(chan os.Signal, 8)
	if s, ok := earlySignal(sigs); ok {
		t.Fatalf("no signal pending, got %v", s)
	}
	sigs <- syscall.SIGWINCH
	if s, ok := earlySignal(sigs); ok || len(sigs) != 0 {
		t.Fatalf("a SIGWINCH alone gave %v, %v (%d left)", s, ok, len(sigs))
	}
	sigs <- syscall.SIGWINCH
	sigs <- syscall.SIGTERM
	sigs <- syscall.SIGINT
	if s, ok := earlySignal(sigs); !ok || s != syscall.SIGTERM {
		t.Fatalf("WINCH, TERM, INT gave %v, %v; want the first that ends a process, SIGTERM", s, ok)
	}
	err := &InterruptedError{Name: "web", Signal: syscall.SIGTERM}
	if err.ExitCode() != 143 || err.Error() != `container "web": interrupted by SIGTERM before it started` {
		t.Fatalf("InterruptedError: %d %q", err.ExitCode(), err.Error())
	}
}
