package oci

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/internal/pidfile"
)

// A unit's own create: the runtime's `create` as a container unit's
// ExecStart= (Type=forking, PIDFile=), so that systemd runs the runtime in
// the unit itself and no process of podunit's starts in it. The command that
// queued the unit reads the pid file once systemd reports the start done,
// and releases the init through its fifo (StartExec).

// UnitCreate is the command line of a unit's create.
type UnitCreate struct {
	// Path is the file the unit executes: the runtime's binary, or (crun)
	// a link in the bundle to this process's sealed copy of it, which lives
	// as long as this process does; Close removes the link.
	Path string
	// Argv is the command line, Argv[0] the runtime's own path (crun picks
	// a handler by its name).
	Argv    []string
	PidFile string // the unit's PIDFile=
	link    string
	log     *os.File // the runtime's log: a memfd of this process's, which a cleanup cannot remove
}

// UnitExeLink is the name of the link in a bundle that a unit's create
// executes.
const UnitExeLink = "runtime-exe"

// UnitCreate is the create of container id in bundle as a unit's
// ExecStart=, with the runtime's errors in a log of this process's (Error):
// the unit's cleanup may remove the bundle before this process reads it.
// For crun, the unit executes this process's sealed copy (sealed.go)
// through a link in the bundle, not /proc/PID/fd/N itself: the unit keeps
// its ExecStart= as long as it is loaded, and a restart after this process
// is gone must not execute whatever another process of this pid holds at
// that number. Close, called once the start job is done, and the bundle's
// removal (a stop's cleanup) remove the link; a restart of the unit that
// systemd makes itself then fails to execute it.
func (r *Runtime) UnitCreate(id, bundle string) (*UnitCreate, error) {
	pidFile := bundlePidFile(bundle)
	_ = os.Remove(pidFile)
	fd, err := unix.MemfdCreate("podunit-runtime-log", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("runtime log: %w", err)
	}
	u := &UnitCreate{Path: r.Path, PidFile: pidFile, log: os.NewFile(uintptr(fd), "runtime log")}
	global := []string{r.Path, "--root", r.Root}
	if r.NoCgroups {
		global = append(global, "--cgroup-manager=disabled")
	}
	u.Argv = append(global, "--log-format=json", "--log="+procFD(fd), "create", "--bundle", bundle, "--pid-file", pidFile, id)
	if s := r.sealed(); s != nil && s.f != nil {
		link := filepath.Join(bundle, UnitExeLink)
		_ = os.Remove(link)
		if err := os.Symlink(procFD(s.fd), link); err != nil {
			u.Close()
			return nil, err
		}
		u.Path, u.link = link, link
	}
	return u, nil
}

// procFD is this process's descriptor fd as another process opens it.
func procFD(fd int) string { return fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), fd) }

// Close removes the link to this process's sealed copy and closes the log.
func (u *UnitCreate) Close() {
	if u.link != "" {
		_ = os.Remove(u.link)
		u.link = ""
	}
	if u.log != nil {
		u.log.Close()
		u.log = nil
	}
}

// UnitCreated is what follows a unit's create that systemd reported done:
// the init's pid, and the compiled seccomp program kept for the next start
// (as Create does).
func (r *Runtime) UnitCreated(id, bundle string) (int, error) {
	pid, err := pidfile.Read(bundlePidFile(bundle))
	if err != nil {
		return 0, fmt.Errorf("%s create: %w", r.Name, err)
	}
	r.KeepSeccomp(id, bundle)
	return pid, nil
}

// Error is the runtime's reason for a unit's create that failed (jobErr,
// systemd's word), from its log; jobErr where it wrote none (the unit never
// ran it). Before Close.
func (u *UnitCreate) Error(name string, jobErr error) error {
	if u.log == nil {
		return jobErr
	}
	msg := lastLogMessage(fmt.Sprintf("/proc/self/fd/%d", u.log.Fd()))
	if msg == "" {
		return jobErr
	}
	return classifyMsg(name, "create", msg)
}
