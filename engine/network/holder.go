package network

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// PID is the kind of namespace that needs a process to exist.
const PID = "pid"

// holderPaths are where Debian (and Fedora) put catatonit, the tiny init a
// shared PID namespace is held by.
var holderPaths = []string{"/usr/bin/catatonit", "/usr/libexec/catatonit/catatonit", "/usr/libexec/podman/catatonit"}

// StartPIDHolder starts catatonit in a new PID namespace, as its PID 1,
// detached from the caller (its own session, stdio on /dev/null), and
// returns its pid: members join /proc/PID/ns/pid. It is the only process
// a pod ever runs for itself, and only for --share pid.
func StartPIDHolder() (int, error) {
	path, err := holderBinary()
	if err != nil {
		return 0, err
	}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return 0, err
	}
	defer null.Close()
	cmd := exec.Command(path, "-P")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = null, null, null
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID, Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("starting the PID namespace holder %s: %w", path, err)
	}
	pid := cmd.Process.Pid
	_ = cmd.Process.Release() // it outlives us; its parent becomes the service manager
	return pid, nil
}

// Catatonit is the path of the catatonit binary (also --init's init).
func Catatonit() (string, error) { return holderBinary() }

func holderBinary() (string, error) {
	if p, err := exec.LookPath("catatonit"); err == nil {
		return p, nil
	}
	for _, p := range holderPaths {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", errors.New("catatonit is not installed: a pod sharing its PID namespace needs it")
}

// PIDNamespacePath is the namespace file of a holder started by StartPIDHolder.
func PIDNamespacePath(pid int) string { return "/proc/" + strconv.Itoa(pid) + "/ns/pid" }

// HolderAlive reports whether pid is still a running holder (catatonit).
func HolderAlive(pid int) bool {
	if pid <= 0 || unix.Kill(pid, 0) != nil {
		return false
	}
	comm, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	return err == nil && string(comm) == "catatonit\n"
}

// StopPIDHolder kills a holder; one that is gone already is no error.
func StopPIDHolder(pid int) {
	if HolderAlive(pid) {
		_ = unix.Kill(pid, unix.SIGKILL)
	}
}
