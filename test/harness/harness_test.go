package harness

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestBootRunsATransientUnitWhoseOutputReachesTheJournal(t *testing.T) {
	s := Boot(t, Options{})
	s.DumpOnFailure(t, "hello.service")

	if got := strings.TrimSpace(s.Run(t, "readlink", "/proc/1/exe")); !strings.HasSuffix(got, "/systemd") {
		t.Fatalf("PID 1 inside runs %q, want systemd", got)
	}
	s.Run(t, "systemd-run", "--unit", "hello", "-p", "Delegate=yes", "sh", "-c", "echo hi-from-unit")
	waitFor(t, 10*time.Second, "hi-from-unit in journalctl -u hello", func() bool {
		out, _, _, _ := s.Exec("journalctl", "-u", "hello", "--no-pager", "-o", "cat")
		return strings.Contains(out, "hi-from-unit")
	})
}

func TestJournalHoldsNoLinesFromTheHostKernelRingBuffer(t *testing.T) {
	RequireRoot(t)
	marker := fmt.Sprintf("podunit-harness-kmsg-%d", time.Now().UnixNano())
	if err := os.WriteFile("/dev/kmsg", []byte(marker+"\n"), 0); err != nil {
		t.Fatal(err)
	}
	s := Boot(t, Options{})
	if out := s.Run(t, "journalctl", "-b", "--no-pager", "-o", "cat"); strings.Contains(out, marker) {
		t.Fatalf("the sandbox journal imported %q from /dev/kmsg", marker)
	}
}

func TestExecReportsStdoutStderrAndExitCodeSeparately(t *testing.T) {
	s := Boot(t, Options{})
	stdout, stderr, code, err := s.Exec("sh", "-c", "echo out; echo err >&2; exit 3")
	if stdout != "out\n" || stderr != "err\n" || code != 3 || err != nil {
		t.Fatalf("Exec = %q, %q, %d, %v; want \"out\\n\", \"err\\n\", 3, nil", stdout, stderr, code, err)
	}
	if _, _, code, err := s.Exec("sh", "-c", "kill -9 $$"); code != -1 || err == nil {
		t.Fatalf("Exec of a command killed by a signal = code %d, err %v; want -1 and an error", code, err)
	}
	// private tmpfs: what the sandbox writes to /tmp does not reach the host's /tmp
	name := fmt.Sprintf("/tmp/podunit-harness-%d", os.Getpid())
	s.Run(t, "touch", name)
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		os.Remove(name)
		t.Fatalf("%s written in the sandbox appeared on the host (stat: %v)", name, err)
	}
}

func TestRebootKeepsBoundFilesAndEnabledUnits(t *testing.T) {
	units, state := TempDir(t), TempDir(t)
	s := Boot(t, Options{Binds: []string{units + ":/etc/systemd/system", state + ":/run/keep"}})
	s.DumpOnFailure(t, "keeper.service")
	unit := "[Unit]\nDescription=counts boots\n[Service]\nType=oneshot\nRemainAfterExit=yes\n" +
		"ExecStart=/bin/sh -c 'echo boot >> /run/keep/boots'\n[Install]\nWantedBy=multi-user.target\n"
	if err := os.WriteFile(filepath.Join(units, "keeper.service"), []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	s.Run(t, "systemctl", "daemon-reload")
	s.Run(t, "systemctl", "enable", "--now", "keeper.service")
	s.Run(t, "sh", "-c", "echo kept > /run/keep/file; echo lost > /run/lost")
	first := s.PID

	s.Reboot(t)

	if s.PID == first {
		t.Fatalf("PID after Reboot is still %d", first)
	}
	if got := s.Run(t, "cat", "/run/keep/file"); got != "kept\n" {
		t.Fatalf("bound file after reboot = %q, want \"kept\\n\"", got)
	}
	s.WaitActive(t, "keeper.service", "active", 10*time.Second)
	if got := s.Run(t, "cat", "/run/keep/boots"); got != "boot\nboot\n" {
		t.Fatalf("enabled unit ran %q over two boots, want once per boot", got)
	}
	if _, _, code, _ := s.Exec("test", "-e", "/run/lost"); code == 0 {
		t.Fatal("/run/lost survived the reboot; /run should be a fresh tmpfs per boot")
	}
}

func TestNetOptionGivesAnOwnNetworkNamespaceWithLoopbackUp(t *testing.T) {
	s := Boot(t, Options{Net: true})
	out := s.Run(t, "ip", "-o", "link", "show")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "lo:") || !strings.Contains(lines[0], "UP") {
		t.Fatalf("links inside = %q, want only lo, up", out)
	}
	host, _ := os.Readlink("/proc/self/ns/net")
	inside := strings.TrimSpace(s.Run(t, "readlink", "/proc/self/ns/net"))
	if inside == host {
		t.Fatalf("sandbox shares the host's network namespace %s", host)
	}
}

func TestCleanupPowersOffAndLeavesNoProcessOfTheSandbox(t *testing.T) {
	var pid int
	var pidNS string
	var stray *exec.Cmd
	t.Run("boot", func(t *testing.T) {
		s := Boot(t, Options{})
		pid, pidNS = s.PID, s.pidNS
		s.Run(t, "systemd-run", "--unit", "sleeper", "sleep", "1000")
		s.WaitActive(t, "sleeper.service", "active", 10*time.Second)
		stray = s.Command(context.Background(), "sleep", "1000") // outside any unit
		if err := stray.Start(); err != nil {
			t.Fatal(err)
		}
	})
	_ = stray.Wait() // killed with the namespace; this reaps the nsenter on the host
	if ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", pid)); err == nil && ns == pidNS && !zombie(pid) {
		t.Fatalf("sandbox systemd %d still runs after cleanup", pid)
	}
	if left := namespaceMembers(pidNS); len(left) > 0 {
		t.Fatalf("processes of the sandbox remain after cleanup: %v", left)
	}
}

// TestHelperProcess is not a test: TestADeadTestBinaryTakesItsSandboxAlong runs this
// test binary again with HARNESS_HELPER set, to boot a sandbox and hang.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("HARNESS_HELPER") != "boot-and-hang" {
		return
	}
	s := Boot(t, Options{})
	fmt.Printf("systemd %d %s %s\n", s.PID, s.pidNS, filepath.Dir(s.logPath))
	time.Sleep(time.Hour)
}

func TestADeadTestBinaryTakesItsSandboxAlongAndItsFoldersAreRemovedLater(t *testing.T) {
	RequireRoot(t)
	helper := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.v")
	helper.Env = append(os.Environ(), "HARNESS_HELPER=boot-and-hang")
	stdout, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	pid, pidNS, dir := readHelperSandbox(t, stdout)
	_ = helper.Process.Kill() // as a -timeout panic or an OOM kill would
	_ = helper.Wait()
	waitFor(t, 10*time.Second, "the dead test binary's sandbox to be gone", func() bool {
		return len(namespaceMembers(pidNS)) == 0
	})
	if comm(pid) == "systemd" && !zombie(pid) {
		t.Fatalf("systemd %d outlived its test binary", pid)
	}
	removeStale() // what the next test binary's first TempDir does
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the dead test binary's %s is still there (stat: %v)", dir, err)
	}
}

func readHelperSandbox(t *testing.T, r interface{ Read([]byte) (int, error) }) (pid int, pidNS, dir string) {
	t.Helper()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "systemd ") {
				lines <- sc.Text()
			}
		}
		close(lines)
	}()
	select {
	case line, ok := <-lines:
		f := strings.Fields(line)
		if !ok || len(f) != 4 {
			t.Fatalf("helper test binary printed no sandbox (line %q)", line)
		}
		pid, _ := strconv.Atoi(f[1])
		return pid, f[2], f[3]
	case <-time.After(10 * time.Minute): // it may queue behind other packages' sandboxes
		t.Fatal("helper test binary booted no sandbox within 10 minutes")
	}
	return 0, "", ""
}

func TestTempDirUnmountsWhatIsMountedBelowItAndRemovesIt(t *testing.T) {
	RequireRoot(t)
	var dir string
	t.Run("mount", func(t *testing.T) {
		dir = TempDir(t)
		if !strings.HasPrefix(dir, testRoot+"/") {
			t.Fatalf("TempDir = %s, want it under %s", dir, testRoot)
		}
		outer := filepath.Join(dir, "a b") // mountinfo escapes the space as \040
		inner := filepath.Join(outer, "inner")
		mustMountTmpfs(t, outer)
		mustMountTmpfs(t, inner)
		mustMountTmpfs(t, inner) // stacked on the same point
	})
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("%s still there after cleanup (stat: %v)", dir, err)
	}
	if left, _ := mountsBelow(dir); len(left) > 0 {
		t.Fatalf("mounts left below %s: %v", dir, left)
	}
}

func mustMountTmpfs(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=1m"); err != nil {
		t.Fatalf("mount tmpfs on %s: %v", dir, err)
	}
}

func TestBuildPassesTheProjectTagsAndDisablesCgo(t *testing.T) {
	RequireRoot(t)
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "test", "sandbox.sh")); err != nil {
		t.Fatalf("moduleRoot = %s, which has no test/sandbox.sh: %v", root, err)
	}
	mod := TempDir(t)
	files := map[string]string{
		"go.mod": "module example.com/tagged\n\ngo 1.26\n",
		"main.go": "//go:build containers_image_openpgp && exclude_graphdriver_btrfs && !cgo\n\n" +
			"package main\n\nfunc main() { println(\"tagged\") }\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(mod, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(mod, "tagged")
	if out, err := goBuild(mod, ".", bin, "", false); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin).CombinedOutput(); err != nil || string(out) != "tagged\n" {
		t.Fatalf("built binary printed %q (%v)", out, err)
	}
}

func waitFor(t *testing.T, timeout time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Two sandboxes up at once: each systemd makes its units' cgroups in a tree of its
// own, sees that tree as its whole hierarchy, and a unit of the same name in each is
// two cgroups; one sandbox's stop neither touches the other's unit nor leaves cgroups.
func TestTwoSandboxesAtOnceHaveCgroupsOfTheirOwn(t *testing.T) {
	if Slots() < 2 {
		t.Fatalf("PODUNIT_SANDBOXES=%s allows one sandbox; this test needs two", os.Getenv("PODUNIT_SANDBOXES"))
	}
	var a *Sandbox
	var aCgroups []string
	t.Run("a", func(t *testing.T) {
		a = Boot(t, Options{})
		b := Boot(t, Options{})
		aCgroups = a.Cgroups()
		pids := map[*Sandbox]string{}
		for _, s := range []*Sandbox{a, b} {
			s.Run(t, "systemd-run", "--unit", "same", "sleep", "1000")
			s.WaitActive(t, "same.service", "active", 10*time.Second)
			pids[s] = strings.TrimSpace(s.Run(t, "systemctl", "show", "-P", "MainPID", "same.service"))
			// inside, the namespace's root is the sandbox's cgroup, and Command's
			// processes are in it
			if got := s.Run(t, "cat", "/proc/self/cgroup"); !strings.Contains(got, "\n0::/\n") &&
				!strings.HasPrefix(got, "0::/\n") {
				t.Errorf("a command in sandbox %d is in cgroups\n%s", s.PID, got)
			}
		}
		for _, s := range []*Sandbox{a, b} {
			unified := ""
			for _, d := range s.Cgroups() {
				if strings.HasPrefix(d, "/sys/fs/cgroup/unified/") || strings.HasPrefix(d, "/sys/fs/cgroup/sandbox-") {
					unified = d
				}
			}
			if unified == "" {
				t.Fatalf("sandbox %d: no cgroup v2 directory in %v", s.PID, s.Cgroups())
			}
			procs, err := os.ReadFile(filepath.Join(unified, "system.slice", "same.service", "cgroup.procs"))
			// the host PID of the unit's process, seen from the sandbox as MainPID
			if err != nil || len(strings.Fields(string(procs))) != 1 {
				t.Fatalf("sandbox %d: same.service's cgroup.procs on the host: %q (%v)", s.PID, procs, err)
			}
			host, _ := strconv.Atoi(strings.TrimSpace(string(procs)))
			if inner := nsPID(host); inner != pids[s] {
				t.Errorf("sandbox %d: its same.service's cgroup holds pid %d (%s inside), want its MainPID %s",
					s.PID, host, inner, pids[s])
			}
		}
		a.Run(t, "systemctl", "stop", "same.service")
		if got := strings.TrimSpace(b.Run(t, "systemctl", "is-active", "same.service")); got != "active" {
			t.Errorf("stopping a's same.service made b's %s", got)
		}
	})
	for _, d := range aCgroups {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("cgroup %s of a sandbox that is gone remains (stat: %v)", d, err)
		}
	}
}

// nsPID is pid's number in its own (innermost) PID namespace, from NSpid.
func nsPID(pid int) string {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "NSpid:"); ok {
			fields := strings.Fields(rest)
			return fields[len(fields)-1]
		}
	}
	return ""
}
