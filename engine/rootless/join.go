package rootless

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
)

// envJoin names the fd a podunit that Reexec started writes the pid of a
// process to when its command needs that process's user namespace.
const envJoin = "_PODUNIT_USERNS_JOIN"

// NotHereError says a command needs the user namespace of process PID (a
// running container's init) and this podunit is in another one. Each
// podunit command makes a namespace of its own and a sibling's cannot be
// entered from it (setns needs CAP_SYS_ADMIN over the target, which only
// the user outside has), so the parent outside runs the command again in
// PID's namespace (Join).
type NotHereError struct {
	PID  int
	What string // the container, for the message where no parent can rejoin
}

func (e *NotHereError) Error() string {
	return fmt.Sprintf("%s runs in another user namespace (its init is pid %d), which this podunit cannot enter",
		e.What, e.PID)
}

// Unwrap classes the error as a conflict.
func (e *NotHereError) Unwrap() error { return errdefs.ErrConflict }

// SameNamespace reports whether process pid is in this process's user
// namespace or one below it: reading a process's namespace link needs
// CAP_SYS_PTRACE over its namespace, which a sibling namespace lacks, so a
// refused read means another podunit's namespace.
func SameNamespace(pid int) (bool, error) {
	theirs, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/user")
	if errors.Is(err, os.ErrPermission) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading the user namespace of pid %d: %w", pid, err)
	}
	ours, err := os.Readlink("/proc/self/ns/user")
	if err != nil {
		return false, fmt.Errorf("reading this process's user namespace: %w", err)
	}
	if theirs == ours {
		return true, nil
	}
	return childNamespace(pid)
}

// childNamespace: pid is in a user namespace nested in ours (--userns
// keep-id) when its uid map is not ours; a sibling of podunit's own maps
// the same IDs. Reading the map of a sibling's process is refused above.
func childNamespace(pid int) (bool, error) {
	theirs, err1 := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/uid_map")
	ours, err2 := os.ReadFile("/proc/self/uid_map")
	if err := errors.Join(err1, err2); err != nil {
		return false, fmt.Errorf("reading uid maps: %w", err)
	}
	return !bytes.Equal(theirs, ours), nil
}

// AskJoin is the child's side of a NotHereError: where the parent outside
// listens (join is the pipe AwaitMaps returned) it hands it pid and
// reports true; the command then ends quietly and the parent runs it again
// in pid's namespace. Elsewhere it reports false and the error stands.
func AskJoin(join *os.File, pid int) bool {
	if join == nil {
		return false
	}
	_, err := join.WriteString(strconv.Itoa(pid))
	return err == nil
}

// joinAsked reads what AskJoin wrote, once the child has ended: 0 when
// nothing.
func joinAsked(r io.Reader) int {
	b, _ := io.ReadAll(r)
	pid, err := strconv.Atoi(string(b))
	if err != nil {
		return 0
	}
	return pid
}

// Join runs the program self with args in the user namespace of process
// pid (the user's own, with p's maps) and a new mount namespace, through
// util-linux's nsenter and unshare: setns into a user namespace needs a
// single-threaded process, which a Go program never is. The namespace is
// held open first (openUserNS) and handed to nsenter as a file, so pid may
// end meanwhile; one that ended before is errGone. Signals and the exit
// code pass as in Reexec.
func Join(p Plan, pid int, self string, args, env []string) (int, error) {
	nsenter, err := lookPath("nsenter")
	if err != nil {
		return 0, fmt.Errorf("nsenter not found: joining a running rootless container's user namespace needs it "+
			"(Debian, Ubuntu, Fedora: util-linux): %w", errdefs.ErrUnavailable)
	}
	unshare, err := lookPath("unshare")
	if err != nil {
		return 0, fmt.Errorf("unshare not found (util-linux): %w", errdefs.ErrUnavailable)
	}
	ns, err := openUserNS(p, pid)
	if err != nil {
		return 0, err
	}
	defer ns.Close()
	// nsenter opens the namespace through this process's fd, which no
	// program it starts inherits (the container would)
	held := fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), ns.Fd())
	argv := append([]string{nsenter, "--user=" + held, "--preserve-credentials", "--",
		unshare, "--mount", "--propagation", "unchanged", "--", self}, args[1:]...)
	cmd := &exec.Cmd{Path: nsenter, Args: argv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Env: childEnv(p, env)}
	sigs := notifySignals()
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("running %s: %w", nsenter, err)
	}
	return supervise(cmd, sigs)
}

// Rejoin is Join for a command that began outside any user namespace and
// did nothing yet: where pid ended before it could be joined, the command
// runs afresh in a namespace of its own (Reexec), which finds it gone.
func Rejoin(p Plan, pid int, self string, args, env []string) (int, error) {
	code, err := Join(p, pid, self, args, env)
	if errors.Is(err, errGone) {
		return Reexec(p, self, args, env)
	}
	return code, err
}

// sameMap compares a /proc/PID/uid_map text with m.
func sameMap(text string, m []IDMap) bool {
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		got = append(got, strings.Join(strings.Fields(line), " "))
	}
	var want []string
	args := mapArgs(m)
	for i := 0; i+2 < len(args); i += 3 {
		want = append(want, strings.Join(args[i:i+3], " "))
	}
	return strings.Join(got, "\n") == strings.Join(want, "\n")
}

// childEnv is env with what a podunit in the user's namespace reads.
func childEnv(p Plan, env []string) []string {
	return append(append([]string{}, env...), envConfigured+"=done",
		envUID+"="+strconv.Itoa(p.UID), envGID+"="+strconv.Itoa(p.GID))
}
