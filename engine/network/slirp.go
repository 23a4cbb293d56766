package network

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
)

// Slirp is the alternative rootless network, --network slirp4netns: a
// slirp4netns process gives the namespace a tap0 with 10.0.2.100/24 and
// carries its traffic through the user's sockets; published ports are
// asked for over its API socket.
type Slirp struct {
	Netns   *os.File      // handed to slirp4netns as its fd 3, as to pasta
	PidFile string        // "PID STARTTIME", written once it has set tap0 up
	Ports   []PortMapping // -p: asked for over its API socket, beside PidFile
	Options SlirpOptions  // --network slirp4netns:…
}

// SlirpBinary finds slirp4netns, or says which package to install.
func SlirpBinary() (string, error) {
	path, err := exec.LookPath("slirp4netns")
	if err != nil {
		return "", fmt.Errorf("--network slirp4netns needs slirp4netns, which is not installed "+
			"(Debian: apt-get install slirp4netns): %w", errdefs.ErrInvalidArgument)
	}
	return path, nil
}

// Args is slirp4netns's command line: configure tap0 (fd 4 says when)
// with the options' network and MTU (Podman's 65520 by default), no way
// to the host's loopback unless asked for, a sandbox of its own.
func (s Slirp) Args() ([]string, error) {
	args, err := s.Options.args()
	if err != nil {
		return nil, err
	}
	args = append(args, "--enable-sandbox", "--ready-fd=4", "--netns-type=path", pastaNetnsFd)
	if len(s.Ports) > 0 { // relative to its working directory, PidFile's: sun_path is short
		args = append(args, "--api-socket", s.socketName())
	}
	return append(args, "tap0"), nil
}

// socketName is the API socket's name in PidFile's directory: short, as
// a socket's path must be (under 108 bytes, and the user's run directory
// may be long already).
func (s Slirp) socketName() string {
	name := strings.TrimSuffix(filepath.Base(s.PidFile), filepath.Ext(s.PidFile))
	return name[:min(len(name), 24)] + ".sock"
}

// beside is PidFile with ext for its extension: its log.
func (s Slirp) beside(ext string) string {
	return strings.TrimSuffix(s.PidFile, filepath.Ext(s.PidFile)) + ext
}

// Start runs slirp4netns in a session of its own and waits until tap0 is
// up; it then records its pid and start time. Its output goes to
// PidFile's .log beside it.
func (s Slirp) Start(ctx context.Context) error {
	bin, err := SlirpBinary()
	if err != nil {
		return err
	}
	args, err := s.Args()
	if err != nil {
		return err
	}
	_ = os.Remove(filepath.Join(filepath.Dir(s.PidFile), s.socketName()))
	logf, err := os.Create(s.beside(".log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	cmd := exec.Command(bin, args...) // not tied to ctx: it outlives this command
	cmd.Stdout, cmd.Stderr, cmd.ExtraFiles = logf, logf, []*os.File{s.Netns, w}
	cmd.SysProcAttr, cmd.Dir = &syscall.SysProcAttr{Setsid: true}, filepath.Dir(s.PidFile)
	err = cmd.Start()
	_ = w.Close()
	if err != nil {
		return fmt.Errorf("starting slirp4netns: %w", err)
	}
	err = waitReady(ctx, r)
	if err == nil {
		err = publish(ctx, filepath.Dir(s.PidFile), s.socketName(), s.Options.Guest(), s.Ports)
	}
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		out, _ := os.ReadFile(logf.Name())
		return fmt.Errorf("slirp4netns: %w: %s", err, strings.TrimSpace(string(out)))
	}
	pid := cmd.Process.Pid
	_ = cmd.Process.Release()
	return os.WriteFile(s.PidFile, []byte(fmt.Sprintf("%d %s\n", pid, startTime(pid))), 0o600)
}

// waitReady waits for slirp4netns's "1" on its ready fd.
func waitReady(ctx context.Context, r *os.File) error {
	_ = r.SetReadDeadline(time.Now().Add(time.Minute))
	done := make(chan error, 1)
	go func() {
		b := make([]byte, 1)
		_, err := r.Read(b)
		if err == nil && b[0] != '1' {
			err = fmt.Errorf("ready fd said %q", b)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("it did not set the interface up: %w", err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// startTime is field 22 of /proc/PID/stat ("" when gone): with the pid it
// names one process, never a later one that reuses the pid.
func startTime(pid int) string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 20 || fields[0] == "Z" {
		return ""
	}
	return fields[19]
}

// SlirpPid is the pid of the running slirp4netns recorded in pidFile, or 0.
func SlirpPid(pidFile string) int {
	data, err := os.ReadFile(pidFile)
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	if len(f) != 2 {
		return 0
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil || pid <= 0 || startTime(pid) != f[1] {
		return 0
	}
	return pid
}

// StopSlirp ends the slirp4netns recorded in pidFile, if it still runs,
// and removes the file and its log.
func StopSlirp(pidFile string) error {
	if pid := SlirpPid(pidFile); pid != 0 {
		if err := unix.Kill(pid, unix.SIGKILL); err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("ending slirp4netns (pid %d): %w", pid, err)
		}
		for end := time.Now().Add(10 * time.Second); SlirpPid(pidFile) == pid && time.Now().Before(end); {
			time.Sleep(5 * time.Millisecond)
		}
	}
	s := Slirp{PidFile: pidFile}
	_ = os.Remove(s.beside(".log"))
	_ = os.Remove(filepath.Join(filepath.Dir(pidFile), s.socketName()))
	return removeIfThere(pidFile)
}
