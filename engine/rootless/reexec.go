package rootless

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/podunit/podunit/engine/errdefs"
)

// The environment a re-executed podunit finds. The _CONTAINERS_ names are
// the ones containers/storage (and Podman) read: with them storage takes
// the per-user defaults of storage.conf for the user outside.
const (
	envWait       = "_PODUNIT_USERNS_WAIT" // fd of the pipe the parent releases the child on
	envConfigured = "_CONTAINERS_USERNS_CONFIGURED"
	envUID        = "_CONTAINERS_ROOTLESS_UID"
	envGID        = "_CONTAINERS_ROOTLESS_GID"
)

// Needed reports whether this process must re-execute itself in a user
// namespace first: it is not root and not already in podunit's namespace.
func Needed() bool { return os.Geteuid() != 0 }

// ErrOutside says a command that began as the user on the host, outside
// any user namespace (engine.Rootless.Outside), reached something only the
// namespace gives: containers/storage, a runtime, or a state not made yet.
// The command has done nothing yet; it runs again in a namespace (Reexec).
var ErrOutside = errors.New("this needs the user namespace")

// Identity is the user a re-executed podunit works for, as the host sees
// them; ok is false where podunit runs as the real root.
func Identity() (uid, gid int, ok bool) {
	if os.Getenv(envConfigured) == "" || os.Geteuid() != 0 {
		return 0, 0, false
	}
	uid, err1 := strconv.Atoi(os.Getenv(envUID))
	gid, err2 := strconv.Atoi(os.Getenv(envGID))
	return uid, gid, err1 == nil && err2 == nil && uid != 0
}

// forwarded are the signals the parent passes on to the re-executed child;
// job-control signals keep their default effect.
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
	syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM}

// Reexec runs the program self with args (args[0] its name) in a new user
// and mount namespace with p's maps, this process's stdio and env, passes
// on the signals this process gets, and returns the child's exit code
// (128+n after signal n). A child that asked to join another process's
// namespace instead (AskJoin) is run again there (Join), or afresh where
// that process ended before it could be joined (errGone).
func Reexec(p Plan, self string, args, env []string) (int, error) {
	for round := 1; ; round++ {
		code, pid, err := reexecOnce(p, self, args, env)
		if err != nil || pid == 0 {
			return code, err
		}
		code, err = Join(p, pid, self, args, env)
		if !errors.Is(err, errGone) || round == maxRounds {
			return code, err
		}
	}
}

// reexecOnce is one round of Reexec: the child's exit code, and the pid
// whose namespace it asked to join, if it did.
func reexecOnce(p Plan, self string, args, env []string) (code, join int, err error) {
	asked, told, err := os.Pipe()
	if err != nil {
		return 0, 0, fmt.Errorf("making the user namespace's pipe: %w", err)
	}
	defer asked.Close()
	sigs := notifySignals()
	defer signal.Stop(sigs)
	cmd, release, err := startChild(p, self, args, env, told)
	told.Close()
	if err != nil {
		return 0, 0, err
	}
	if err := writeMaps(p, cmd.Process.Pid); err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		release.Close()
		return 0, 0, err
	}
	_, err = release.Write([]byte{1})
	release.Close()
	if err != nil {
		_ = cmd.Process.Kill()
	}
	code, err = supervise(cmd, sigs)
	if err != nil {
		return code, 0, err
	}
	return code, joinAsked(asked), nil
}

// notifySignals starts catching the signals a parent passes on; the
// caller stops it with signal.Stop.
func notifySignals() chan os.Signal {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwarded...)
	return sigs
}

// supervise passes on the signals sigs gets to cmd's process until it
// ends, and returns its exit code.
func supervise(cmd *exec.Cmd, sigs chan os.Signal) (int, error) {
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	werr := cmd.Wait()
	close(done)
	return exitCode(cmd, werr)
}

// startChild starts the child in its new namespaces, blocked on the pipe
// whose write end it returns. The child keeps every capability in its
// namespace across exec as ambient ones (its uid is not mapped yet at exec,
// so the kernel would otherwise drop them).
func startChild(p Plan, self string, args, env []string, join *os.File) (*exec.Cmd, *os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, fmt.Errorf("making the user namespace's pipe: %w", err)
	}
	defer r.Close()
	cmd := &exec.Cmd{Path: self, Args: args, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		ExtraFiles: []*os.File{r, join}}
	cmd.Env = append(childEnv(p, env), envWait+"=3", envJoin+"=4")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		AmbientCaps: allCaps()}
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, nil, fmt.Errorf("creating a user namespace (are unprivileged user namespaces "+
			"allowed? sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone): %w: %w",
			err, errdefs.ErrUnavailable)
	}
	return cmd, w, nil
}

// allCaps lists every capability the running kernel knows.
func allCaps() []uintptr {
	last := 40 // CAP_CHECKPOINT_RESTORE, where the file cannot be read
	if b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap"); err == nil {
		if n, err := strconv.Atoi(string(bytes.TrimSpace(b))); err == nil {
			last = n
		}
	}
	caps := make([]uintptr, 0, last+1)
	for c := 0; c <= last; c++ {
		caps = append(caps, uintptr(c))
	}
	return caps
}

// writeMaps maps the child's IDs with the setuid helpers (gids first, as
// Podman does).
func writeMaps(p Plan, pid int) error {
	if err := runHelper(p.NewGIDMap, pid, p.GIDMap); err != nil {
		return err
	}
	return runHelper(p.NewUIDMap, pid, p.UIDMap)
}

func runHelper(path string, pid int, m []IDMap) error {
	out, err := exec.Command(path, append([]string{strconv.Itoa(pid)}, mapArgs(m)...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %d %v: %w: %s (it must be setuid root, or have cap_setuid/cap_setgid, "+
			"and the ranges must be the user's in /etc/subuid and /etc/subgid): %w",
			path, pid, mapArgs(m), err, bytes.TrimSpace(out), errdefs.ErrUnavailable)
	}
	return nil
}

func exitCode(cmd *exec.Cmd, err error) (int, error) {
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return 0, fmt.Errorf("waiting for podunit in the user namespace: %w", err)
	}
	st, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ok && st.Signaled() {
		return 128 + int(st.Signal()), nil
	}
	return cmd.ProcessState.ExitCode(), nil
}

// AwaitMaps is the child's side of Reexec, for main to call first: in a
// process Reexec started it blocks until the parent has written the maps
// and reports whether it may go on, and returns the pipe AskJoin writes
// to; elsewhere it returns at once, and a nil pipe.
func AwaitMaps() (*os.File, error) {
	fd := os.Getenv(envWait)
	if fd == "" {
		return nil, nil
	}
	join := takeFile(envJoin, "userns-join")
	os.Unsetenv(envWait)
	n, err := strconv.Atoi(fd)
	if err != nil {
		return join, fmt.Errorf("bad %s=%q", envWait, fd)
	}
	f := os.NewFile(uintptr(n), "userns-wait")
	defer f.Close()
	b := make([]byte, 1)
	if k, err := f.Read(b); k != 1 || b[0] != 1 {
		return join, fmt.Errorf("the parent podunit did not map the user namespace: %v", err)
	}
	return join, nil
}

// takeFile opens the inherited fd the variable env names, closed on exec
// and the variable gone, so no program this one runs finds either.
func takeFile(env, name string) *os.File {
	n, err := strconv.Atoi(os.Getenv(env))
	os.Unsetenv(env)
	if err != nil || n < 3 {
		return nil
	}
	syscall.CloseOnExec(n)
	return os.NewFile(uintptr(n), name)
}
