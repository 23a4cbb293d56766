package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockFiles lists e's lock files but the networks lock, which stays.
func lockFiles(t *testing.T, e *env) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(e.dir, "run", "podunit", "locks"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, ent := range entries {
		if ent.Name() != "networks.lock" {
			out = append(out, ent.Name())
		}
	}
	return out
}

// TestLockFilesGoWithTheirObjects: rm, run --rm, pod rm and volume rm
// leave no lock file behind (715 were found in one run root), nor do a
// failed create and a removal that finds its object gone; a volume rm of a
// name whose create was killed removes its lock file.
func TestLockFilesGoWithTheirObjects(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("create", "--name", "a", "bb", "true")
	e.must("start", "-a", "a")
	e.must("run", "--rm", "bb", "true")
	e.must("volume", "create", "v")
	e.must("run", "--rm", "-v", "v:/v", "bb", "true")
	e.must("pod", "create", "--name", "p")
	e.must("create", "--pod", "p", "--name", "member", "bb", "true")
	// commands that fail on an object: a create whose name is taken, a
	// removal racing another's (the object is gone when its lock is had)
	if r := e.run("create", "--name", "a", "bb", "true"); r.code != 125 {
		t.Fatalf("create of a taken name: exit %d, %q", r.code, r.err)
	}
	e.must("create", "--name", "gone", "bb", "true")
	rms := []*exec.Cmd{e.command(context.Background(), "rm", "gone"), e.command(context.Background(), "rm", "gone")}
	for _, c := range rms {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range rms {
		_ = c.Wait() // one of them finds it gone
	}
	e.must("rm", "a")
	e.must("volume", "rm", "v")
	e.must("pod", "rm", "-f", "p")
	// a volume create killed after it took its lock, before its record:
	// the removal of that name, which finds no volume, takes the file
	killed := filepath.Join(e.dir, "run", "podunit", "locks", "volume-k.lock")
	if err := os.WriteFile(killed, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := e.run("volume", "rm", "-f", "k"); r.code != 1 || !strings.Contains(r.err, `no volume with name "k"`) {
		t.Errorf("volume rm of a volume never made: exit %d, %q", r.code, r.err)
	}
	if left := lockFiles(t, e); len(left) != 0 {
		t.Errorf("lock files remain after everything was removed: %v", left)
	}
}

// TestHeldLockNamesItsHolder: a command waiting on a lock another process
// holds says which object and which process after a short wait, and
// --lock-timeout ends the wait with exit 125 naming the holder.
func TestHeldLockNamesItsHolder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("create", "--name", "a", "bb", "true")
	id := e.field("a", "{{.ID}}")
	holder, release := holdLock(t, e, id)
	start := time.Now()
	r := e.run("--lock-timeout", "3s", "rm", "-f", "a")
	pid := "process " + strconv.Itoa(holder.Process.Pid)
	// 125, or podman-rm(1)'s 2 for a container in use: another command holds it.
	if (r.code != 125 && r.code != 2) || !strings.Contains(r.err, "still locked by "+pid) {
		t.Errorf("rm of a container whose lock is held: exit %d, %q; want 125 or 2 naming %s", r.code, r.err, pid)
	}
	if !strings.Contains(r.err, "container "+id[:12]+" is locked by "+pid) {
		t.Errorf("no notice of the wait naming the container and %s: %q", pid, r.err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("--lock-timeout 3s took %s", d)
	}
	release()
	e.must("rm", "-f", "a")
}

// holdLock has flock(1) take object id's lock (-o: the lock stays with
// flock itself, not with the sleep it runs) and returns once it holds it;
// release ends the holder and waits for it (again: nothing).
func holdLock(t *testing.T, e *env, id string) (*exec.Cmd, func()) {
	t.Helper()
	lock := filepath.Join(e.dir, "run", "podunit", "locks", id+".lock")
	holder := exec.Command("flock", "-o", lock, "sleep", "60")
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	release := sync.OnceFunc(func() { _ = holder.Process.Kill(); _ = holder.Wait() })
	t.Cleanup(release)
	eventually(t, 30*time.Second, "flock(1) to take the lock", func() bool {
		return exec.Command("flock", "-n", lock, "true").Run() != nil
	})
	return holder, release
}
