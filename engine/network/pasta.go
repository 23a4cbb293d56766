package network

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
)

// Pasta is the rootless network (Debian's passt package): a pasta process
// outside the container's network namespace gives it an interface with the
// host's addresses and routes and carries its traffic through ordinary
// sockets of the user's, published ports included. One pasta serves one
// namespace: a container's, or a rootless pod's.
type Pasta struct {
	Netns   *os.File      // the namespace to serve, handed to pasta as its fd 3
	PidFile string        // where pasta writes its pid; Stop reads it
	Ports   []PortMapping // -p: forwarded from the host into the namespace
	// Options are pasta's own options asked for: containers.conf's
	// pasta_options, then the container's (--network pasta:…), checked
	// by ParsePastaOptions.
	Options []string
}

// PastaBinary finds pasta, or says which package to install.
func PastaBinary() (string, error) {
	path, err := exec.LookPath("pasta")
	if err != nil {
		return "", fmt.Errorf("rootless networking needs pasta, which is not installed (Debian: apt-get install passt), "+
			"or give --network none or host: %w", errdefs.ErrInvalidArgument)
	}
	return path, nil
}

// pastaNetnsFd is the namespace as pasta opens it: its own inherited fd.
// Not /proc/PODUNIT/fd/N: podunit gained its capabilities at exec in the
// user namespace, so it is not dumpable, and pasta, which drops
// CAP_SYS_PTRACE, may not open another process's fds then.
const pastaNetnsFd = "/proc/self/fd/3"

// Args is pasta's command line, as Podman gives it: configure the
// namespace's interface (--config-net), the options asked for
// (containers.conf's pasta_options, then --network pasta:…), forward the
// published ports and, unless the options say otherwise, none other in
// either direction, no gateway mapped to the host's loopback, DNS
// forwarded from PastaDNSForward; then podunit's own: stay uid 0 of the
// user namespace (the user on the host), so that any podunit of the user
// may end it, on the held namespace, writing its pid.
func (p Pasta) Args() []string {
	opts, _ := scanPasta(p.Options) // checked when the container was created
	user, defaults := p.userArgs()
	args := append([]string{"--config-net"}, user...)
	var tcp, udp []string
	for _, m := range p.Ports {
		spec := strconv.Itoa(int(m.HostPort)) + ":" + strconv.Itoa(int(m.ContainerPort))
		if m.HostIP != "" {
			spec = m.HostIP + "/" + spec
		}
		if m.Protocol == "udp" {
			udp = append(udp, spec)
		} else {
			tcp = append(tcp, spec)
		}
	}
	for _, f := range []struct {
		short, long string
		specs       []string
	}{{"-t", "--tcp-ports", tcp}, {"-u", "--udp-ports", udp}, {"-T", "--tcp-ns", nil}, {"-U", "--udp-ns", nil}} {
		args = append(args, portArgs(f.short, f.specs, pastaHas(opts, f.long))...)
	}
	args = append(args, defaults...)
	return append(args, "--runas", "0:0", "--netns", pastaNetnsFd, "--no-netns-quit", "--pid", p.PidFile)
}

// portArgs is one option per spec, or "none" when there is none and the
// options gave none (pasta's default would forward every port bound in
// the namespace).
func portArgs(opt string, specs []string, given bool) []string {
	if len(specs) == 0 && !given {
		return []string{opt, "none"}
	}
	var out []string
	for _, s := range specs {
		out = append(out, opt, s)
	}
	return out
}

// Start runs pasta on the namespace and waits until it has set it up and
// gone to the background (its first process exits then).
func (p Pasta) Start(ctx context.Context) error {
	bin, err := PastaBinary()
	if err != nil {
		return err
	}
	_ = os.Remove(p.PidFile)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, p.Args()...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.ExtraFiles = []*os.File{p.Netns}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("starting pasta: %w: %s", err, pastaOutput(out.String()))
	}
	return nil
}

// pastaOutput is what pasta printed, without its complaints that there is
// no syslog to send to.
func pastaOutput(s string) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "Failed to send") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "; ")
}

// StopPasta ends the pasta whose pid is in pidFile and removes the file.
// A pid that is no longer that pasta's (its command line does not name
// pidFile) is left alone. A missing file means there is nothing to end.
func StopPasta(pidFile string) error {
	data, err := os.ReadFile(pidFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err == nil && pid > 0 && pastaOf(pid, pidFile) {
		// SIGKILL: pasta is the init of a PID namespace of its own, which
		// gets from outside only the signals it handles, and SIGKILL
		if err := unix.Kill(pid, unix.SIGKILL); err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("ending pasta (pid %d): %w", pid, err)
		}
		waitPastaGone(pid, pidFile)
	}
	return removeIfThere(pidFile)
}

// removeIfThere removes path; a missing one is no error.
func removeIfThere(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// waitPastaGone waits a while for the killed pasta to be gone (or a zombie,
// whose reaper is its own), so that none is left when the command ends.
func waitPastaGone(pid int, pidFile string) {
	for delay, waited := time.Millisecond, time.Duration(0); waited < 10*time.Second; delay = min(2*delay, 100*time.Millisecond) {
		if !pastaOf(pid, pidFile) {
			return
		}
		time.Sleep(delay)
		waited += delay
	}
}

// pastaOf reports whether process pid is the pasta that writes pidFile.
func pastaOf(pid int, pidFile string) bool {
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return false
	}
	return bytes.Contains(cmdline, []byte("\x00"+pidFile+"\x00"))
}

// PastaPid is the pid of the running pasta that writes pidFile, or 0.
func PastaPid(pidFile string) int {
	data, err := os.ReadFile(pidFile)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || !pastaOf(pid, pidFile) {
		return 0
	}
	return pid
}

// NewNetns makes a network namespace with lo up and returns it open: the
// caller holds it (a user cannot pin one past its command) until pasta and
// the runtime have joined it through /proc/PID/fd/N.
func NewNetns() (*os.File, error) {
	var f *os.File
	err := onThrowawayThread(func() error {
		runtime.LockOSThread() // never unlocked: Go discards the thread, now in the new namespace
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("unshare: %w", err)
		}
		var err error
		if f, err = os.Open(fmt.Sprintf("/proc/%d/task/%d/ns/net", os.Getpid(), unix.Gettid())); err != nil {
			return err
		}
		return loopbackUp()
	})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return nil, fmt.Errorf("making a network namespace: %w", err)
	}
	return f, nil
}
