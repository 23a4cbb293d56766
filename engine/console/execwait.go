package console

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/internal/atomicfile"
	"github.com/podunit/podunit/internal/lifelock"
	"github.com/podunit/podunit/internal/pidfile"
)

// Exec session files, in the session's directory (engine/exec_session.go):
// the runtime's pid file for the process, and its exit code once it ended.
const (
	ExecPidFile  = "pid"
	ExecExitFile = "exit"
	// ExecWaiterFile is held (a shared flock, internal/lifelock) by the
	// waiter for its whole life: a process gone without an exit file is
	// still being recorded while it is held (WaiterLives), and lost only
	// when it is not.
	ExecWaiterFile = "waiter.lock"
)

// WaitExec is the waiter of an exec that may outlive the podunit that
// started it (exec -d, exec -it with detach keys). It runs argv, a
// runtime's `exec --detach --pid-file DIR/pid ...`, as a subreaper, so the
// process the runtime leaves becomes its child; it reports on report
// "pid N" once the process runs (or "exit N", the runtime's own code, when
// it could not start it), waits for the process and writes its exit code
// (128+n after signal n) to dir/exit, and returns that code.
func WaitExec(dir string, report *os.File, argv []string) (int, error) {
	defer report.Close()
	if len(argv) == 0 {
		return 0, errors.New("no runtime command to run")
	}
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return 0, fmt.Errorf("becoming a subreaper: %w", err)
	}
	release, err := lifelock.Hold(filepath.Join(dir, ExecWaiterFile))
	if err != nil {
		return 0, fmt.Errorf("the exec waiter's lock: %w", err)
	}
	defer release() // after the exit file is written
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		code := 1
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() > 0 {
			code = exit.ExitCode()
		}
		fmt.Fprintf(report, "exit %d\n", code)
		return code, fmt.Errorf("%s: %w", argv[0], err)
	}
	pid, err := pidfile.Read(filepath.Join(dir, ExecPidFile))
	if err != nil {
		fmt.Fprintf(report, "exit 1\n")
		return 0, err
	}
	fmt.Fprintf(report, "pid %d\n", pid)
	report.Close()
	code, err := reapUntil(pid)
	if err != nil {
		return 0, err
	}
	return code, atomicfile.WriteVolatile(filepath.Join(dir, ExecExitFile), []byte(strconv.Itoa(code)+"\n"), 0o600)
}

// reapUntil reaps this subreaper's children (the runtime's intermediate
// processes among them) until pid has exited, and returns pid's code. pid
// becomes a child only once the runtime's last process that forked it has
// exited, which can be a moment after the runtime returned.
func reapUntil(pid int) (int, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ws unix.WaitStatus
		got, err := unix.Wait4(-1, &ws, 0, nil)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.ECHILD) && unix.Kill(pid, 0) == nil && time.Now().Before(deadline):
			time.Sleep(5 * time.Millisecond)
			continue
		case err != nil:
			return 0, fmt.Errorf("waiting for process %d: %w", pid, err)
		case got != pid:
			continue
		case ws.Signaled():
			return 128 + int(ws.Signal()), nil
		}
		return ws.ExitStatus(), nil
	}
}

// ReadExecReport reads what WaitExec reported: the process's pid, or the
// runtime's exit code when it did not start one (pid 0). A waiter that
// ended without a word reports an error.
func ReadExecReport(r *os.File) (pid, runtimeCode int, err error) {
	b := make([]byte, 64)
	n, _ := r.Read(b)
	word, num, _ := strings.Cut(strings.TrimSpace(string(b[:n])), " ")
	v, convErr := strconv.Atoi(num)
	switch {
	case convErr != nil:
		return 0, 0, fmt.Errorf("the exec waiter ended without reporting (%q)", b[:n])
	case word == "pid":
		return v, 0, nil
	case word == "exit":
		return 0, v, nil
	}
	return 0, 0, fmt.Errorf("the exec waiter reported %q", b[:n])
}

// WaiterLives reports whether the waiter of the exec session in dir still
// runs (holds its lock): a process of that session that is gone without an
// exit file is then about to have it written.
func WaiterLives(dir string) bool { return lifelock.Held(filepath.Join(dir, ExecWaiterFile)) }
