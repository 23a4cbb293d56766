package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestExecTTYOnHost runs `exec -it` on a real terminal (a pty whose slave
// is podunit's controlling terminal): the output is the command's, with
// no stray byte before it. (Under `script </dev/null` a "^@" shows: script
// turns its stdin's EOF into the raw terminal's VEOF, a NUL, which the
// container's terminal echoes; no podunit byte. docker exec -it shows the
// same there.)
func TestExecTTYOnHost(t *testing.T) {
	e := newEnv(t, nil, "runc")
	e.image()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run := e.command(ctx, "run", "--name", "long", "bb", "sleep", "600")
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { e.run("rm", "-f", "-t", "0", "long"); _ = run.Wait() }()
	eventually(t, 20*time.Second, "long running", func() bool {
		return e.run("inspect", "--format", "{{.State.Status}}", "long").out == "running\n"
	})
	out := onTerminal(t, e, "exec", "-it", "long", "sh", "-c", "test -t 0 && test -t 1 && echo on-a-tty")
	if out != "on-a-tty\r\n" {
		t.Fatalf("exec -it printed %q, want %q", out, "on-a-tty\r\n")
	}
}

// onTerminal runs podunit with a new pty as its controlling terminal and
// stdio, and returns everything written to the terminal.
func onTerminal(t *testing.T, e *env, args ...string) string {
	t.Helper()
	master, slave := openPty(t)
	defer master.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := e.command(ctx, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	var got strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := master.Read(buf)
		got.Write(buf[:n])
		if err != nil { // EIO once the last holder of the slave is gone
			if !errors.Is(err, syscall.EIO) && !errors.Is(err, io.EOF) {
				t.Fatalf("reading the terminal: %v", err)
			}
			break
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("podunit %s: %v; terminal: %q", strings.Join(args, " "), err, got.String())
	}
	return got.String()
}

func openPty(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return master, slave
}
