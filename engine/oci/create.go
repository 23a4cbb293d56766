package oci

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/internal/pidfile"
)

// Create makes the container from the bundle (config.json + rootfs) without
// starting its user process, and returns the pid of its init. The init gets
// stdio as its standard streams (passed through, no monitor in between).
func (r *Runtime) Create(ctx context.Context, id, bundle string, stdio Stdio) (int, error) {
	pidFile := bundlePidFile(bundle)
	logPath := filepath.Join(bundle, "runtime.log")
	_ = os.Remove(pidFile)
	_ = os.Remove(logPath)
	args := []string{"create", "--bundle", bundle, "--pid-file", pidFile}
	if stdio.ConsoleSocket != "" {
		args = append(args, "--console-socket", stdio.ConsoleSocket)
	}
	if len(stdio.Extra) > 0 {
		args = append(args, "--preserve-fds", strconv.Itoa(len(stdio.Extra)))
	}
	cmd := r.command(ctx, logPath, append(args, id)...)
	cmd.Dir = bundle
	cmd.ExtraFiles = stdio.Extra
	r.useExec(cmd) // again, for the descriptors
	in, out, errf, closers, err := openStdio(stdio)
	if err != nil {
		return 0, err
	}
	defer closeAll(closers)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = in, out, errf
	if err := cmd.Run(); err != nil {
		return 0, classify(r.Name, "create", logPath, err)
	}
	r.KeepSeccomp(id, bundle)
	return pidfile.Read(pidFile)
}

// StartExec starts a created container and classifies an exec failure the
// runtime reports at start (crun checks the command late). crun and runc
// are released through their fifo, without a process (release.go).
func (r *Runtime) StartExec(ctx context.Context, id, bundle string) error {
	if r.released() {
		if err := r.release(ctx, id, bundle); !errors.Is(err, errNoPidfd) {
			return err
		}
	}
	logPath := filepath.Join(bundle, "runtime.log")
	_ = os.Remove(logPath)
	cmd := r.command(ctx, logPath, "start", id)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			err = fmt.Errorf("%w: %s", err, msg) // what a runtime (or its wrapper) said outside its log
		}
		err = classify(r.Name, "start", logPath, err)
		if notWaiting(err.Error()) {
			return fmt.Errorf("%w: %w", err, ErrNotWaiting)
		}
		return err
	}
	return nil
}

// ErrNotWaiting is a start that found no created container waiting for
// it: its init was killed, or another start released it first.
var ErrNotWaiting = fmt.Errorf("its init no longer waits for start: %w", errdefs.ErrConflict)

// notWaiting recognises the runtimes' ways of saying so: crun cannot open
// or write exec.fifo (gone with the init, or opened by another start);
// runc names the state it found.
func notWaiting(msg string) bool {
	for _, s := range []string{"exec.fifo", "that has stopped", "already running", "container not running",
		"not in created state"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func openStdio(s Stdio) (in, out, errf *os.File, closers []*os.File, err error) {
	pick := func(f *os.File, flag int) (*os.File, error) {
		if f != nil {
			return f, nil
		}
		n, err := os.OpenFile(os.DevNull, flag, 0)
		if err == nil {
			closers = append(closers, n)
		}
		return n, err
	}
	if in, err = pick(s.In, os.O_RDONLY); err != nil {
		return
	}
	if out, err = pick(s.Out, os.O_WRONLY); err != nil {
		return
	}
	errf, err = pick(s.Err, os.O_WRONLY)
	return
}

func closeAll(fs []*os.File) {
	for _, f := range fs {
		_ = f.Close()
	}
}

// ExecError is a failure to invoke the container's command; Code is 126
// (found but cannot be run) or 127 (not found), as Podman reports them.
type ExecError struct {
	Code int
	Msg  string
}

func (e *ExecError) Error() string { return e.Msg }

// classify turns a failed runtime call into an error, recognising exec
// failures by the runtime's own message. Only the exec step is matched
// (setup errors such as cgroup failures also say "No such file").
func classify(name, verb, logPath string, err error) error {
	msg := lastLogMessage(logPath)
	if msg == "" {
		msg = err.Error()
	}
	return classifyMsg(name, verb, msg)
}

// classifyMsg is classify of the runtime's message msg.
func classifyMsg(name, verb, msg string) error {
	if code := execCode(msg); code != 0 {
		return &ExecError{Code: code, Msg: fmt.Sprintf("%s: %s", name, msg)}
	}
	return fmt.Errorf("%s %s: %s", name, verb, msg)
}

// execCode maps the runtimes' exec failure messages to 126 or 127.
func execCode(msg string) int {
	switch {
	case strings.Contains(msg, "exec:") && strings.Contains(msg, "not found"),
		strings.Contains(msg, "executable file") && strings.Contains(msg, "not found"),
		strings.Contains(msg, "exec:") && strings.Contains(msg, "no such file or directory"),
		strings.Contains(msg, "execvp") && strings.Contains(msg, "No such file or directory"):
		return 127
	case strings.Contains(msg, "exec:") && strings.Contains(msg, "permission denied"),
		strings.Contains(msg, "exec:") && strings.Contains(msg, "is a directory"),
		strings.Contains(msg, "open executable"),
		strings.Contains(msg, "execvp") && strings.Contains(msg, "Permission denied"):
		return 126
	}
	return 0
}

// lastLogMessage returns the last error message of a runtime JSON log.
func lastLogMessage(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	var last string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var entry struct {
			Level, Msg string
		}
		if json.Unmarshal(sc.Bytes(), &entry) == nil && entry.Msg != "" {
			if entry.Level == "" || entry.Level == "error" || entry.Level == "fatal" {
				last = entry.Msg
			}
		}
	}
	return last
}

// IsExecError returns the exec failure in err, if any.
func IsExecError(err error) (*ExecError, bool) {
	var e *ExecError
	ok := errors.As(err, &e)
	return e, ok
}

// bundlePidFile is where the runtime writes the init's pid for a bundle.
func bundlePidFile(bundle string) string { return filepath.Join(bundle, PidFileName) }

// PidFileName is the name of the init's pid file in a bundle.
const PidFileName = "pidfile"
