// Package harness boots a real systemd as PID 1 in fresh PID and mount (and, with
// Options.Net, network) namespaces, so that end-to-end tests can drive systemctl,
// journalctl, generators and D-Bus for real on a machine whose own PID 1 is not
// systemd, and in CI.
//
// The recipe itself lives in test/sandbox.sh (its __boot step), which make demo uses
// too: one recipe for both. Inside a sandbox /run, /tmp, /var/tmp, /dev/shm,
// /etc/systemd/system and /var/log/journal are private tmpfs; everything else is the
// host's file system, so test data belongs under TempDir (/var/lib/podunit-test).
//
// Each sandbox has cgroups of its own: Boot makes one below the test binary's cgroup in
// every hierarchy and boots systemd in a cgroup namespace rooted there, with the
// hierarchies mounted again inside, so its systemd's /system.slice/X.service is a path
// no other sandbox shares, and Command puts what it runs into those cgroups too. Up to
// Slots() sandboxes run at once (PODUNIT_SANDBOXES, default 2): Boot takes the first
// free slot's flock in /run/lock and holds it until the sandbox is gone, across Reboot;
// the lock owns the slot's cgroup name, and test binaries queue for a free slot.
package harness

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	bootTimeout     = 30 * time.Second
	poweroffTimeout = 30 * time.Second
	pollInterval    = 50 * time.Millisecond
	sigPoweroff     = syscall.Signal(34 + 4) // SIGRTMIN+4: systemd starts poweroff.target
)

// Options say how a sandbox is booted.
type Options struct {
	// Net gives the sandbox a network namespace of its own, with loopback up.
	// Without it, containers.conf inside says netns = "none" (see noNetworks).
	Net bool
	// Binds are "SRC:DST" host paths (folders or files, absolute, no spaces) bound
	// over DST inside, after the tmpfs mounts. Bind a folder kept across Reboot onto
	// /etc/systemd/system to keep installed and enabled units.
	Binds []string
	// Env is added to systemd's own environment, which systemd hands to
	// generators (PODUNIT_BINARY, say).
	Env []string
}

// Sandbox is a booted systemd. Its methods are not safe for concurrent use with Reboot.
type Sandbox struct {
	PID int // the sandbox systemd's PID on the host

	opts    Options
	lock    *os.File
	cgroups []string      // host paths of the sandbox's cgroup in each hierarchy
	join    string        // Command's shell script: join the cgroups, then enterScript; "" until findCgroups
	logPath string        // systemd's own console output, appended by every boot
	cmd     *exec.Cmd     // unshare, parent of PID
	done    chan struct{} // closed once cmd has exited and been waited for
	waitErr error
	pidNS   string // readlink /proc/PID/ns/pid
}

// Boot boots a sandbox, waits until systemd reports running or degraded, and registers
// a cleanup that powers it off and waits until all of its processes are gone. It fails
// the test, with the reason, if the sandbox does not come up within 30 seconds.
func Boot(t testing.TB, opts Options) *Sandbox {
	t.Helper()
	RequireRoot(t)
	if err := checkBinds(opts.Binds); err != nil {
		t.Fatalf("harness: %v", err)
	}
	if !opts.Net {
		opts.Binds = noNetworks(t, opts.Binds)
	}
	s := &Sandbox{opts: opts, logPath: filepath.Join(TempDir(t), "systemd.log")}
	s.lock = acquireLock(t)
	t.Cleanup(func() {
		s.shutdown(t)
		releaseLock(s.lock)
	})
	s.start(t)
	return s
}

// vendorContainersConf is read by podunit (and podman) for the default network.
const (
	vendorContainersConf = "/usr/share/containers/containers.conf"
	adminContainersConf  = "/etc/containers/containers.conf"
)

// noNetworks binds, in a sandbox sharing the host's network namespace, a
// containers.conf with netns = "none" over the vendor file, so that units
// started by the sandbox's systemd (which do not inherit the test's
// CONTAINERS_CONF) create no bridge, veth or iptables rule on the host.
func noNetworks(t testing.TB, binds []string) []string {
	t.Helper()
	// Without the vendor file there is nothing to bind over, and units would
	// take the default bridge in the host's namespace: refuse instead.
	if _, err := os.Stat(vendorContainersConf); err != nil {
		t.Fatalf("harness: %s is missing (scripts/setup.sh installs it): without it a sandbox "+
			"sharing the host's network namespace would put bridges there", vendorContainersConf)
	}
	for _, b := range binds {
		if strings.HasSuffix(b, ":"+vendorContainersConf) {
			return binds
		}
	}
	conf := filepath.Join(TempDir(t), "containers.conf")
	if err := os.WriteFile(conf, []byte("[containers]\nnetns = \"none\"\n"), 0o644); err != nil {
		t.Fatalf("harness: %v", err)
	}
	out := append(append([]string{}, binds...), conf+":"+vendorContainersConf)
	// the admin's file overrides the vendor's: cover it too where it exists
	if _, err := os.Stat(adminContainersConf); err == nil {
		out = append(out, conf+":"+adminContainersConf)
	}
	return out
}

// Reboot powers the sandbox off and boots it again with the same Options. Only what
// lives on the host file system (Binds, TempDir) survives; the machine-wide lock is
// kept throughout.
func (s *Sandbox) Reboot(t testing.TB) {
	t.Helper()
	s.shutdown(t)
	s.start(t)
}

// Crash kills the sandbox's systemd with SIGKILL, as a power cut would: no unit
// stops, nothing is unmounted or cleaned up, the kernel ends every process of
// the sandbox. It waits until they are gone and boots again with the same
// Options; as with Reboot, only what lives on the host file system survives.
func (s *Sandbox) Crash(t testing.TB) {
	t.Helper()
	if s.cmd == nil || s.PID == 0 {
		t.Fatalf("harness: Crash of a sandbox that is not up")
	}
	killPID(s.PID)
	<-s.done
	if left := reapNamespace(s.pidNS); len(left) > 0 {
		t.Errorf("harness: processes of sandbox %d remain after its systemd was killed: %v", s.PID, left)
	}
	t.Logf("harness: sandbox systemd (pid %d) killed", s.PID)
	s.cmd = nil
	s.start(t)
}

func checkBinds(binds []string) error {
	for _, b := range binds {
		src, dst, ok := strings.Cut(b, ":")
		if !ok || !filepath.IsAbs(src) || !filepath.IsAbs(dst) || strings.ContainsAny(b, " \t\n") || strings.Contains(dst, ":") {
			return fmt.Errorf("bind %q: want SRC:DST, both absolute, without spaces or further colons", b)
		}
		if _, err := os.Stat(src); err != nil {
			return fmt.Errorf("bind %q: %w", b, err)
		}
	}
	return nil
}

// scriptPath finds test/sandbox.sh next to this package's source, or through the
// module root when the source path is not absolute (a -trimpath build).
func scriptPath() string {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		return filepath.Join(filepath.Dir(file), "..", "sandbox.sh")
	}
	root, _ := moduleRoot()
	return filepath.Join(root, "test", "sandbox.sh")
}

func (s *Sandbox) start(t testing.TB) {
	t.Helper()
	began := time.Now()
	if err := s.spawn(); err != nil {
		t.Fatalf("harness: starting the sandbox: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), bootTimeout)
	defer cancel()
	if err := s.waitRunning(ctx); err != nil {
		why := s.bootDiagnosis()
		s.shutdown(t)
		t.Fatalf("harness: sandbox did not boot: %v\n%s", err, why)
	}
	writeLockOwner(s.lock, s.PID, s.pidNS)
	if err := s.findCgroups(); err != nil {
		s.shutdown(t)
		t.Fatalf("harness: %v", err)
	}
	t.Logf("harness: sandbox systemd (pid %d) running after %v", s.PID, time.Since(began).Round(time.Millisecond))
}

func (s *Sandbox) spawn() error {
	script := scriptPath()
	if _, err := os.Stat(script); err != nil {
		return err
	}
	log, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	args := []string{script, "__cgroup", cgroupName(s.lock.Name()),
		"unshare", "--pid", "--mount", "--cgroup", "--fork", "--mount-proc", "--kill-child=SIGKILL"}
	if s.opts.Net {
		args = append(args, "--net")
	}
	// sh runs the script's __cgroup step, which moves itself into the slot's cgroups
	// and then becomes unshare
	cmd := exec.Command("sh", append(args, "sh", script, "__boot")...)
	cmd.Env = s.bootEnv()
	cmd.Stdout, cmd.Stderr = log, log
	// Pdeathsig: should this test binary die (a -timeout panic), unshare gets
	// SIGKILL, and its --kill-child takes the sandbox's systemd with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}
	if err := startOnLockedThread(cmd); err != nil {
		return err
	}
	s.cmd, s.PID, s.pidNS, s.waitErr = cmd, 0, "", nil
	s.done = make(chan struct{})
	go func(done chan struct{}) {
		s.waitErr = cmd.Wait()
		close(done)
	}(s.done)
	return nil
}

func (s *Sandbox) bootEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SANDBOX_") {
			env = append(env, kv)
		}
	}
	env = append(env, s.opts.Env...)
	env = append(env, "SANDBOX_BINDS="+strings.Join(s.opts.Binds, " "), "SANDBOX_LOG="+s.logPath)
	if s.opts.Net {
		env = append(env, "SANDBOX_NET=1")
	}
	return env
}

// waitRunning finds systemd (unshare's child, once the boot script has exec'd it)
// and polls `systemctl is-system-running` until it says running or degraded.
func (s *Sandbox) waitRunning(ctx context.Context) error {
	state := ""
	for {
		if s.exited() {
			return fmt.Errorf("systemd exited (%v)", s.waitErr)
		}
		if s.PID == 0 {
			s.findSystemd()
		}
		if s.PID != 0 {
			state = s.systemState(ctx)
			if state == "running" || state == "degraded" {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no running systemd within %v (pid %d, last state %q)", bootTimeout, s.PID, state)
		case <-time.After(pollInterval):
		}
	}
}

// findCgroups reads where unshare (the sandbox's cgroup namespace root: it stays in
// the cgroups __cgroup made) is in each hierarchy, through the script's own mapping.
func (s *Sandbox) findCgroups() error {
	out, err := exec.Command("sh", scriptPath(), "__cgroup-dirs", strconv.Itoa(s.cmd.Process.Pid)).Output()
	dirs := strings.Fields(string(out))
	name := cgroupName(s.lock.Name())
	for _, d := range dirs {
		if filepath.Base(d) != name {
			err = fmt.Errorf("sandbox cgroup %s is not the slot's %s", d, name)
		}
	}
	if err == nil && len(dirs) == 0 {
		err = fmt.Errorf("no cgroup hierarchy found for the sandbox")
	}
	if err != nil {
		return fmt.Errorf("the sandbox's cgroups: %v", err)
	}
	s.cgroups = dirs
	var join strings.Builder
	for _, d := range dirs { // harness-made paths: no quoting needed
		fmt.Fprintf(&join, "echo $$ >%s/cgroup.procs || exit 125; ", d)
	}
	join.WriteString(enterScript)
	s.join = join.String()
	return nil
}

// Cgroups returns the host paths of the sandbox's own cgroup, one per hierarchy
// (/sys/fs/cgroup/HIERARCHY/.../sandbox-SLOT): inside, each is /sys/fs/cgroup/HIERARCHY.
func (s *Sandbox) Cgroups() []string { return s.cgroups }

func (s *Sandbox) findSystemd() {
	for _, pid := range Children(s.cmd.Process.Pid) {
		if comm(pid) == "systemd" {
			if ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", pid)); err == nil {
				s.PID, s.pidNS = pid, ns
			}
		}
	}
}

func (s *Sandbox) systemState(ctx context.Context) string {
	out, _ := s.Command(ctx, "systemctl", "is-system-running").Output()
	return strings.TrimSpace(string(out))
}

func (s *Sandbox) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// bootDiagnosis gathers what tells why a boot did not finish.
func (s *Sandbox) bootDiagnosis() string {
	var b strings.Builder
	if s.PID != 0 && !s.exited() {
		for _, args := range [][]string{
			{"systemctl", "list-jobs", "--no-pager"},
			{"systemctl", "--failed", "--no-pager"},
			{"journalctl", "-b", "--no-pager", "-n", "80"},
		} {
			out, errOut, _, _ := s.Exec(args[0], args[1:]...)
			fmt.Fprintf(&b, "$ %s\n%s%s\n", strings.Join(args, " "), out, errOut)
		}
	}
	log, _ := os.ReadFile(s.logPath)
	fmt.Fprintf(&b, "systemd's output (%s), last lines:\n%s", s.logPath, tail(string(log), 40))
	return b.String()
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n") + "\n"
}

// shutdown powers the sandbox off, kills it if poweroff takes over 30 seconds, and
// waits until no process of its PID namespace is left. It can be called twice.
func (s *Sandbox) shutdown(t testing.TB) {
	t.Helper()
	if s.cmd == nil {
		return
	}
	began := time.Now()
	s.poweroff()
	if !s.waitExit(poweroffTimeout) {
		t.Errorf("harness: sandbox (pid %d) still up %v after poweroff; killing it", s.PID, poweroffTimeout)
		killPID(s.PID)
		killPID(s.cmd.Process.Pid)
		<-s.done
	}
	if left := reapNamespace(s.pidNS); len(left) > 0 {
		t.Errorf("harness: processes of sandbox %d remain after poweroff: %v", s.PID, left)
	}
	for _, d := range s.cgroups {
		if err := removeCgroupTree(d); err != nil {
			t.Errorf("harness: the cgroups of sandbox %d: %v", s.PID, err)
		}
	}
	t.Logf("harness: sandbox systemd (pid %d) gone after %v", s.PID, time.Since(began).Round(time.Millisecond))
	s.cmd = nil
}

// waitExit waits for the sandbox to exit, meanwhile clearing away processes that
// Command entered into it (see killEntered), also those that arrive late.
func (s *Sandbox) waitExit(timeout time.Duration) bool {
	deadline := time.After(timeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-s.done:
			return true
		case <-deadline:
			return false
		case <-tick.C:
			killEntered(s.pidNS, s.PID)
		}
	}
}

func (s *Sandbox) poweroff() {
	if s.exited() || s.PID == 0 {
		killPID(s.cmd.Process.Pid) // still in the boot script, or already gone
		return
	}
	killEntered(s.pidNS, s.PID)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Command(ctx, "systemctl", "poweroff").Run(); err != nil {
		_ = syscall.Kill(s.PID, sigPoweroff)
	}
}
