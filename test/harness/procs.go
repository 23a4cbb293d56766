package harness

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lockDir holds one lock file per sandbox slot: podunit-harness.lock (the one
// test/sandbox.sh takes too), then podunit-harness.1.lock and on.
const lockDir = "/run/lock"

// Slots is how many sandboxes may run at once on this machine: $PODUNIT_SANDBOXES,
// or 2. Each has cgroups of its own (see Sandbox), so they share no cgroup path; the
// limit is the machine's cores and memory.
func Slots() int {
	if n, err := strconv.Atoi(os.Getenv("PODUNIT_SANDBOXES")); err == nil && n > 0 {
		return n
	}
	return 2
}

func lockPath(slot int) string {
	if slot == 0 {
		return filepath.Join(lockDir, "podunit-harness.lock")
	}
	return filepath.Join(lockDir, fmt.Sprintf("podunit-harness.%d.lock", slot))
}

// cgroupName is the cgroup, below the test binary's own, of the sandbox that holds
// the lock at path: test/sandbox.sh's cgroup_name.
func cgroupName(path string) string {
	return "sandbox-" + strings.TrimSuffix(filepath.Base(path), ".lock")
}

// acquireLock takes the first free slot's lock, waiting until one is free, and
// kills a sandbox left behind in that slot by a test binary that died holding it.
func acquireLock(t testing.TB) *os.File {
	t.Helper()
	if err := os.MkdirAll(lockDir, 0o755); err != nil {
		t.Fatalf("harness: %v", err)
	}
	slots := Slots()
	files := make([]*os.File, slots)
	for i := range files {
		f, err := os.OpenFile(lockPath(i), os.O_CREATE|os.O_RDWR, 0o644)
		if err != nil {
			for _, g := range files[:i] {
				g.Close()
			}
			t.Fatalf("harness: %v", err)
		}
		files[i] = f
	}
	began := time.Now()
	var held *os.File
	for held == nil {
		for _, f := range files {
			if err := tryFlock(f); err == nil {
				held = f
				break
			} else if err != syscall.EWOULDBLOCK {
				t.Fatalf("harness: locking %s: %v", f.Name(), err)
			}
		}
		if held == nil {
			time.Sleep(pollInterval)
		}
	}
	for _, f := range files {
		if f != held {
			f.Close()
		}
	}
	if waited := time.Since(began); waited > time.Second {
		t.Logf("harness: waited %v for a sandbox slot (%d up)", waited.Round(time.Millisecond), slots)
	}
	if stale := reapLockOwner(held); stale != "" {
		t.Logf("harness: killed a sandbox left behind by a dead test binary: %s", stale)
	}
	return held
}

func tryFlock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err != syscall.EINTR {
			return err
		}
	}
}

func releaseLock(f *os.File) {
	_ = f.Truncate(0)
	_ = f.Close() // closing the last descriptor drops the flock
}

// writeLockOwner records the running sandbox in the lock file, for reapLockOwner.
func writeLockOwner(f *os.File, pid int, pidNS string) {
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(fmt.Sprintf("%d %s\n", pid, pidNS)), 0)
}

// reapLockOwner kills the sandbox recorded in the lock file if it still runs: the
// lock is ours, so whoever booted it is gone. It returns what it killed.
func reapLockOwner(f *os.File) string {
	b := make([]byte, 128)
	n, _ := f.ReadAt(b, 0)
	fields := strings.Fields(string(b[:n]))
	if len(fields) != 2 {
		return ""
	}
	pid, err := strconv.Atoi(fields[0])
	if err != nil || pid <= 1 {
		return ""
	}
	if ns, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", pid)); ns != fields[1] {
		return "" // gone, or the PID now belongs to someone else
	}
	killPID(pid)
	reapNamespace(fields[1])
	return strings.Join(fields, " ")
}

// startOnLockedThread starts cmd from an OS thread that never exits. Pdeathsig fires
// when the thread that forked the child exits, and the Go runtime ends threads that
// a goroutine left locked; this thread is never one of those.
func startOnLockedThread(cmd *exec.Cmd) error {
	spawnerOnce.Do(func() {
		go func() {
			runtime.LockOSThread()
			for f := range spawnerCh {
				f()
			}
		}()
	})
	errc := make(chan error, 1)
	spawnerCh <- func() { errc <- cmd.Start() }
	return <-errc
}

var (
	spawnerOnce sync.Once
	spawnerCh   = make(chan func())
)

// Children lists the PIDs whose parent is pid: the children of each of
// its threads (a Go program forks from whichever thread runs).
func Children(pid int) []int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var pids []int
	for _, task := range tasks {
		b, _ := os.ReadFile(task)
		for _, f := range strings.Fields(string(b)) {
			if p, err := strconv.Atoi(f); err == nil {
				pids = append(pids, p)
			}
		}
	}
	return pids
}

func comm(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return strings.TrimSpace(string(b))
}

func killPID(pid int) {
	if pid > 1 {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// namespaceMembers lists the host PIDs of live (not zombie) processes whose PID
// namespace is pidNS ("pid:[4026532179]").
func namespaceMembers(pidNS string) []int {
	var pids []int
	for _, pid := range namespaceProcs(pidNS) {
		if !zombie(pid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// namespaceProcs lists the host PIDs of all processes, zombies too, in pidNS.
func namespaceProcs(pidNS string) []int {
	if pidNS == "" {
		return nil
	}
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ns, _ := os.Readlink("/proc/" + e.Name() + "/ns/pid"); ns == pidNS {
			pids = append(pids, pid)
		}
	}
	return pids
}

// stat returns the state letter and parent PID from /proc/PID/stat.
func stat(pid int) (state byte, ppid int) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 'X', 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 2 {
		return 'X', 0
	}
	ppid, _ = strconv.Atoi(fields[1])
	return fields[0][0], ppid
}

func zombie(pid int) bool {
	state, _ := stat(pid)
	return state == 'Z' || state == 'X'
}

// killEntered SIGKILLs the processes that were entered into the namespace from
// outside (nsenter's children: Command's processes still running), and SIGCONTs
// their nsenter so that it reaps them. Left alone they stall poweroff: systemd's
// final kill sweep SIGSTOPs every process first, nsenter (which waits with
// WUNTRACED) then stops itself, outside the sandbox, where nothing resumes it, and
// the namespace cannot end while its killed child waits for nsenter to reap it.
func killEntered(pidNS string, init int) {
	for _, pid := range namespaceProcs(pidNS) {
		_, ppid := stat(pid)
		if pid == init || ppid == 0 {
			continue
		}
		if ns, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", ppid)); ns != pidNS {
			killPID(pid)
			_ = syscall.Kill(ppid, syscall.SIGCONT)
		}
	}
}

// reapNamespace waits until no process of the PID namespace is left (the kernel
// kills them all once its init is gone), SIGKILLs stragglers after 2 seconds, and
// returns any that are still there after 10.
func reapNamespace(pidNS string) []int {
	deadline := time.Now().Add(10 * time.Second)
	killAfter := time.Now().Add(2 * time.Second)
	for {
		killEntered(pidNS, 0)
		left := namespaceMembers(pidNS)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		if time.Now().After(killAfter) {
			for _, pid := range left {
				killPID(pid)
			}
		}
		time.Sleep(pollInterval)
	}
}

// removeCgroupTree removes the cgroup dir and all below it (the script's
// __cgroup-rmtree step, which retries a cgroup still busy for 2 seconds).
func removeCgroupTree(dir string) error {
	out, err := exec.Command("sh", scriptPath(), "__cgroup-rmtree", dir).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
