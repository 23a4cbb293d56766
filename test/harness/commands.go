package harness

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Command returns a command that runs name inside the sandbox: in its cgroups, and its
// cgroup, mount and PID namespaces (and its network namespace with Options.Net),
// through a shell that joins the cgroups and becomes nsenter. It inherits the test's
// environment and working directory.
func (s *Sandbox) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	// before findCgroups (the boot's own checks) it joins no cgroup
	nsargs := []string{"-c", cmp.Or(s.join, enterScript), "sh", "-t", strconv.Itoa(s.PID), "-C", "-m", "-p"}
	if s.opts.Net {
		nsargs = append(nsargs, "-n")
	}
	nsargs = append(nsargs, "--", name)
	return exec.CommandContext(ctx, "sh", append(nsargs, args...)...)
}

// enterScript is the end of Command's script: become nsenter with the script's arguments.
const enterScript = `exec nsenter "$@"`

// Exec runs name inside the sandbox and returns its output and exit code. err is
// non-nil only when the command could not be run or was killed by a signal (then
// code is -1); a non-zero exit is reported through code alone.
func (s *Sandbox) Exec(name string, args ...string) (stdout, stderr string, code int, err error) {
	var out, errOut bytes.Buffer
	cmd := s.Command(context.Background(), name, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.Exited() {
		return out.String(), errOut.String(), exitErr.ExitCode(), nil
	}
	if err != nil {
		return out.String(), errOut.String(), -1, err
	}
	return out.String(), errOut.String(), 0, nil
}

// Run runs name inside the sandbox, fails the test with its stdout and stderr unless
// it exits 0, and returns its stdout.
func (s *Sandbox) Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	stdout, stderr, code, err := s.Exec(name, args...)
	if err != nil || code != 0 {
		t.Fatalf("sandbox: %s: exit %d %v\nstdout:\n%s\nstderr:\n%s",
			strings.Join(append([]string{name}, args...), " "), code, errOrNone(err), stdout, stderr)
	}
	return stdout
}

func errOrNone(err error) string {
	if err == nil {
		return ""
	}
	return "(" + err.Error() + ")"
}

// WaitActive polls `systemctl is-active unit` until it prints want ("active",
// "failed", "inactive" ...). On timeout it dumps the unit and fails the test.
func (s *Sandbox) WaitActive(t testing.TB, unit string, want string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		out, _, _, _ := s.Exec("systemctl", "is-active", unit)
		got := strings.TrimSpace(out)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			s.DumpUnit(t, unit)
			t.Fatalf("sandbox: %s is %q after %v, want %q", unit, got, timeout, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// DumpUnit logs the unit's `systemctl status` and its last 200 journal lines.
func (s *Sandbox) DumpUnit(t testing.TB, unit string) {
	t.Helper()
	for _, args := range [][]string{
		{"systemctl", "status", "--no-pager", "-l", unit},
		{"journalctl", "-u", unit, "--no-pager", "-n", "200"},
	} {
		out, errOut, _, _ := s.Exec(args[0], args[1:]...)
		t.Logf("$ %s\n%s%s", strings.Join(args, " "), out, errOut)
	}
}

// DumpOnFailure registers a cleanup that dumps each unit if the test failed. Cleanups
// run last-registered first, so this runs while the sandbox is still up.
func (s *Sandbox) DumpOnFailure(t testing.TB, units ...string) {
	t.Helper()
	t.Cleanup(func() {
		if !t.Failed() || s.cmd == nil {
			return
		}
		for _, u := range units {
			s.DumpUnit(t, u)
		}
	})
}
