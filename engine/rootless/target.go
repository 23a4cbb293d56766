package rootless

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
)

// errGone: the process a child asked to join ended before the parent
// could hold its user namespace. A rootless pod's namespaces are its
// running members', and a member may end at any time (the child's check
// and the parent's join are two processes, and the pod's lock goes with
// the child), so this is no failure: the parent runs the command afresh,
// and it finds another member or makes the namespaces itself.
var errGone = errors.New("gone")

// maxRounds bounds how often Reexec starts afresh after the process to
// join ended: each round means a member of the pod ended meanwhile.
const maxRounds = 8

// openUserNS holds the user namespace of process pid as an open file, once
// it has checked that pid is in a namespace of the user's with p's map (so
// a recycled pid sends no command elsewhere). Holding it keeps the
// namespace while the command enters it, even if pid ends meanwhile. A
// pid that ends before it is held is errGone.
func openUserNS(p Plan, pid int) (*os.File, error) {
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return nil, gone(pid, err)
	}
	defer unix.Close(pidfd)
	ns, err := os.Open("/proc/" + strconv.Itoa(pid) + "/ns/user")
	if err != nil {
		return nil, gone(pid, err)
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/uid_map")
	// pid still names the process pidfd was opened on: the namespace and
	// the map read are that process's, not a recycled pid's
	if alive := unix.PidfdSendSignal(pidfd, 0, nil, 0); alive != nil {
		ns.Close()
		return nil, gone(pid, alive)
	}
	if err != nil || !sameMap(string(b), p.UIDMap) {
		ns.Close()
		return nil, fmt.Errorf("the container's init (pid %d) is not in the user's namespace: %w",
			pid, errdefs.ErrConflict)
	}
	return ns, nil
}

// gone wraps errGone with what ended.
func gone(pid int, cause error) error {
	return fmt.Errorf("the container's init (pid %d) ended before podunit could join it (%w): %w",
		pid, cause, errGone)
}
