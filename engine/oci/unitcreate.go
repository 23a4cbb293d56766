package oci

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/internal/atomicfile"
	"github.com/podunit/podunit/internal/pidfile"
)

// A unit's own create: the runtime's `create` as a container unit's
// ExecStart= (Type=forking, PIDFile=), so that systemd runs the runtime in
// the unit itself and no process of podunit's starts in it. The command that
// queued the unit reads the pid file once systemd reports the start done,
// and releases the init through its fifo (StartExec).
//
// The unit runs a shell script, not the runtime itself: the unit keeps its
// ExecStart= as long as it is loaded, and a start that systemd makes by
// itself (`systemctl restart` of the unit or of its pod's) has no command
// to finish it and, after the stop's cleanup, no bundle. The line executes
// the runtime while the link to it in the bundle exists (from before the
// command queues the unit until its start job is done: Close), and the
// fallback command line after it otherwise: the full unit-start, which makes
// the bundle and finishes the start in the unit as before. dash's start is
// about a millisecond of CPU, a twentieth of a Go program's.
//
// The link the line runs is the queueing command's own: its name carries a
// token drawn for this start, as does the line. A unit still loaded keeps
// an earlier command's line, whose log is that command's descriptor; when
// another command starts such a unit by name while a newer command's link
// is in the bundle, the old line finds no link of its token and falls back
// (a line that ran the newer link would hand the runtime a log gone with its
// command, and fail the job of every start waiting on it). The link of the
// fixed name UnitExeLink, to the same target, tells other commands who starts
// (engine's startUnderWay).

// UnitCreate is a unit's create of one container.
type UnitCreate struct {
	Argv    []string // the shell line and its arguments (Shell)
	PidFile string   // the unit's PIDFile=
	links   []string // the line's own link, then UnitExeLink
	log     *os.File // the runtime's log: a memfd of this process's, which a cleanup cannot remove
}

// UnitExeLink is the name of the link in a bundle that a unit's create
// executes.
const UnitExeLink = "runtime-exe"

// unitShellName begins the name of the shell script a unit's line runs,
// which names the line in the unit's ExecStart=.
const unitShellName = "podunit-direct-start"

// The line is /bin/sh running a script file, not `sh -c SCRIPT`: systemd
// writes a transient unit's properties to /run/systemd/transient and, on
// daemon-reload, reads them back, and up to at least v252 it writes an
// argument's "$" as "\$" and ";" as "\;", escapes its own parser rejects:
// a loaded unit's `sh -c` line was mangled by any daemon-reload, and its
// next start (a restart, systemctl's or a command's) failed with the
// shell's syntax error. The script's arguments carry no "$" or ";".

// unitScript is the script: $1 the link, $2 the runtime's root, $3 a flag
// or "", $4 the runtime's log, $5 the bundle, $6 the container; then the
// fallback. crun picks a handler by argv[0]'s name: the link's is no
// handler's.
const unitScript = `if [ -e "$1" ]; then
	exec "$1" --root "$2" ${3:+"$3"} --log-format=json --log="$4" create --bundle "$5" --pid-file "$5/` + PidFileName + `" "$6"
fi
shift 6
exec "$@"
`

// unitScriptName is the script's file name: unitShellName and a hash of
// its text, so that a podunit of another version writes its own beside a
// loaded unit's.
var unitScriptName = func() string {
	sum := sha256.Sum256([]byte(unitScript))
	return unitShellName + "-" + hex.EncodeToString(sum[:4])
}()

// unitScriptPath writes the script into dir unless it is there, and
// returns its path. The file is replaced whole (renamed into place), so a
// unit never reads half of it.
func unitScriptPath(dir string) (string, error) {
	if dir == "" {
		return "", fmt.Errorf("direct start script: no directory for it")
	}
	path := filepath.Join(dir, unitScriptName)
	if _, err := os.Lstat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("direct start script: %w", err)
	}
	if err := atomicfile.Write(path, []byte(unitScript), 0o600); err != nil {
		return "", fmt.Errorf("direct start script: %w", err)
	}
	return path, nil
}

// IsUnitCreate reports whether argv, a unit's ExecStart=, is a line
// UnitCreate made for container id.
func IsUnitCreate(argv []string, id string) bool {
	return len(argv) > 7 && strings.HasPrefix(filepath.Base(argv[1]), unitShellName+"-") && argv[7] == id
}

// UnitCreate is the create of container id in bundle as a unit's
// ExecStart=, falling back to the command line fallback (see above), with
// the runtime's errors in a log of this process's (Error): the unit's
// cleanup may remove the bundle before this process reads it. For crun the
// link is to this process's sealed copy (sealed.go), which crun then does
// not make itself; otherwise to the runtime's binary through this process's
// root (/proc/PID/root/...). Either way it resolves only while this process
// lives, so that a link a killed command left tells no start under way
// (engine's startUnderWay), and the unit does not name /proc/PID/...
// itself, which could be another process's once this one is gone.
func (r *Runtime) UnitCreate(id, bundle string, fallback []string) (*UnitCreate, error) {
	pidFile := bundlePidFile(bundle)
	_ = os.Remove(pidFile)
	target := r.Path
	if s := r.sealed(); s != nil && s.f != nil {
		target = procFD(s.fd)
	} else if filepath.IsAbs(r.Path) {
		target = fmt.Sprintf("/proc/%d/root%s", os.Getpid(), r.Path)
	}
	var token [6]byte
	_, _ = rand.Read(token[:])
	own := filepath.Join(bundle, UnitExeLink+"."+hex.EncodeToString(token[:]))
	u := &UnitCreate{PidFile: pidFile}
	for _, link := range []string{own, filepath.Join(bundle, UnitExeLink)} {
		_ = os.Remove(link)
		if err := os.Symlink(target, link); err != nil {
			u.Unlink()
			return nil, err
		}
		u.links = append(u.links, link)
	}
	fd, err := unix.MemfdCreate("podunit-runtime-log", unix.MFD_CLOEXEC)
	if err != nil {
		u.Unlink()
		return nil, fmt.Errorf("runtime log: %w", err)
	}
	u.log = os.NewFile(uintptr(fd), "runtime log")
	script, err := unitScriptPath(r.Scripts)
	if err != nil {
		u.Close()
		return nil, err
	}
	flag := ""
	if r.NoCgroups {
		flag = "--cgroup-manager=disabled"
	}
	u.Argv = append([]string{"/bin/sh", script, own, r.Root, flag, procFD(fd), bundle, id}, fallback...)
	return u, nil
}

// UnitCreateStarter is the pid of the process whose UnitCreate made a
// bundle's link with target (as os.Readlink reads it): the process that
// queued the unit; 0 where target names none.
func UnitCreateStarter(target string) int {
	rest, ok := strings.CutPrefix(target, "/proc/")
	if !ok {
		return 0
	}
	pid, _, _ := strings.Cut(rest, "/")
	n, err := strconv.Atoi(pid)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// procFD is this process's descriptor fd as another process opens it.
func procFD(fd int) string { return fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), fd) }

// Unlink removes the links, so the unit's shell line falls back from now on.
func (u *UnitCreate) Unlink() {
	for _, link := range u.links {
		_ = os.Remove(link)
	}
	u.links = nil
}

// RemoveUnitLinks removes every start's links from bundle (those a killed
// command left).
func RemoveUnitLinks(bundle string) {
	own, _ := filepath.Glob(filepath.Join(bundle, UnitExeLink+".*"))
	for _, link := range append(own, filepath.Join(bundle, UnitExeLink)) {
		_ = os.Remove(link)
	}
}

// Close removes the link (Unlink) and closes the log.
func (u *UnitCreate) Close() {
	u.Unlink()
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
