package engine

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// listenFDsStart is the first descriptor systemd passes (SD_LISTEN_FDS_START).
const listenFDsStart = 3

// listenKeys are the variables of systemd's socket activation (sd_listen_fds(3)).
var listenKeys = [...]string{"LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"}

// activation is what systemd's socket activation handed this process: N
// descriptors from 3 on, and their names.
type activation struct {
	n     int
	names string
}

// parseActivation reads the LISTEN_* variables as sd_listen_fds(3) does:
// they are ours only when LISTEN_PID is pid; no variables, no descriptors.
func parseActivation(getenv func(string) string, pid int) (activation, error) {
	fds := getenv("LISTEN_FDS")
	if fds == "" || getenv("LISTEN_PID") != strconv.Itoa(pid) {
		return activation{}, nil
	}
	n, err := strconv.Atoi(fds)
	if err != nil || n < 0 || n > 1<<16 {
		return activation{}, fmt.Errorf("socket activation: LISTEN_FDS=%q is not a count of descriptors: %w",
			fds, errdefs.ErrInvalidArgument)
	}
	return activation{n: n, names: getenv("LISTEN_FDNAMES")}, nil
}

// socketActivation returns the descriptors systemd passed this process,
// marked close-on-exec (as sd_listen_fds does) so that no helper podunit
// starts (network setup, the console keeper) keeps a listening socket
// open; only the runtime gets them, as Stdio.Extra. Calling it again is
// harmless: the variables stay for the next call.
func socketActivation() (activation, error) {
	a, err := parseActivation(os.Getenv, os.Getpid())
	if err != nil || a.n == 0 {
		return a, err
	}
	for fd := listenFDsStart; fd < listenFDsStart+a.n; fd++ {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC); err != nil {
			return activation{}, fmt.Errorf("socket activation: descriptor %d of LISTEN_FDS=%d: %w", fd, a.n, err)
		}
	}
	return a, nil
}

// files are the passed descriptors, in order, for the runtime's
// --preserve-fds: the container's process gets them as 3, 4, ….
func (a activation) files() []*os.File {
	var fs []*os.File
	for i := 0; i < a.n; i++ {
		fd := listenFDsStart + i
		fs = append(fs, os.NewFile(uintptr(fd), "listen-fd-"+strconv.Itoa(fd)))
	}
	return fs
}

// env is the container's environment with the activation's variables, as
// Podman sets them: LISTEN_PID=1, since the container's init is pid 1 of
// its own PID namespace. Any LISTEN_* of the container's own are replaced.
func (a activation) env(env []string) []string {
	if a.n == 0 {
		return env
	}
	out := make([]string, 0, len(env)+len(listenKeys))
	for _, kv := range env {
		if !isListenVar(kv) {
			out = append(out, kv)
		}
	}
	out = append(out, "LISTEN_PID=1", "LISTEN_FDS="+strconv.Itoa(a.n))
	if a.names != "" {
		out = append(out, "LISTEN_FDNAMES="+a.names)
	}
	return out
}

// isListenVar says whether kv sets one of the activation's variables.
func isListenVar(kv string) bool {
	for _, k := range listenKeys {
		if strings.HasPrefix(kv, k+"=") {
			return true
		}
	}
	return false
}

// withActivation is c with the activation's variables in its environment,
// for the spec of this start only (the record keeps the user's own).
func withActivation(c *model.Container, a activation) *model.Container {
	if a.n == 0 {
		return c
	}
	cp := *c
	cp.Config.Env = a.env(c.Config.Env)
	return &cp
}
