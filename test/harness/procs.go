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

const lockPath = "/run/lock/podunit-harness.lock"

// acquireLock takes the machine-wide sandbox lock, waiting for whoever holds it, and
// kills a sandbox left behind by a test binary that died while holding it.
func acquireLock(t testing.TB) *os.File {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(lockPath), 0o755); err != nil {
		t.Fatalf("harness: %v", err)
	}
	f, err := os.OpenFile(lockPath, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatalf("harness: %v", err)
	}
	began := time.Now()
	if err := flock(f); err != nil {
		f.Close()
		t.Fatalf("harness: locking %s: %v", lockPath, err)
	}
	if waited := time.Since(began); waited > time.Second {
		t.Logf("harness: waited %v for %s (another sandbox was up)", waited.Round(time.Millisecond), lockPath)
	}
	if stale := reapLockOwner(f); stale != "" {
		t.Logf("harness: killed a sandbox left behind by a dead test binary: %s", stale)
	}
	return f
}

func flock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
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
