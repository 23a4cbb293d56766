package engine

import (
	"bufio"
	"errors"
	"io"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// startChild starts argv and returns it with a function that reports how it
// ended once it has (its zombie is reaped only by Wait, as a unit's main
// process is reaped by systemd, not by the process stopping it). With
// ready, the child's stdin is held open (a read blocks) and startChild
// returns once the child has printed its first line.
func startChild(t *testing.T, ready bool, argv ...string) (*exec.Cmd, func() syscall.WaitStatus) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	var out io.Reader
	if ready {
		if _, err := cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		var err error
		if out, err = cmd.StdoutPipe(); err != nil {
			t.Fatal(err)
		}
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	if ready {
		if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
			t.Fatalf("%s printed no line: %v", argv, err)
		}
	}
	return cmd, func() syscall.WaitStatus {
		err := cmd.Wait()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return cmd.ProcessState.Sys().(syscall.WaitStatus)
	}
}

// TestSignalThenKill: the stop signal ends a process that heeds it, and the
// wait ends with it, not with the timeout; one that ignores it is killed
// once the timeout has passed; a pid that is gone is no error.
func TestSignalThenKill(t *testing.T) {
	t.Run("heeds the signal", func(t *testing.T) {
		cmd, wait := startChild(t, false, "sleep", "100")
		begin := time.Now()
		signalThenKill(cmd.Process.Pid, unix.SIGTERM, 30*time.Second)
		if took := time.Since(begin); took > 10*time.Second {
			t.Fatalf("returned after %v: the exit did not end the wait", took)
		}
		if ws := wait(); !ws.Signaled() || ws.Signal() != unix.SIGTERM {
			t.Fatalf("ended with %v, want SIGTERM", ws)
		}
	})
	t.Run("ignores the signal", func(t *testing.T) {
		cmd, wait := startChild(t, true, "sh", "-c", `trap "" TERM; echo trapped; read x`)
		begin := time.Now()
		signalThenKill(cmd.Process.Pid, unix.SIGTERM, 300*time.Millisecond)
		if took := time.Since(begin); took < 300*time.Millisecond {
			t.Fatalf("returned after %v, before the stop timeout", took)
		}
		if ws := wait(); !ws.Signaled() || ws.Signal() != unix.SIGKILL {
			t.Fatalf("ended with %v, want SIGKILL after the timeout", ws)
		}
	})
	t.Run("already gone", func(t *testing.T) {
		cmd, wait := startChild(t, false, "true")
		wait() // reaped: the pid names nothing now
		signalThenKill(cmd.Process.Pid, unix.SIGTERM, 30*time.Second)
	})
}
