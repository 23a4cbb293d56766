package locks

import (
	"context"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
)

func newLocks(t *testing.T, dir string) *Dir {
	t.Helper()
	l, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// The property Dir relies on: flock(2) locks belong to the open file
// description, so two opens of one file in one process exclude each other
// (fcntl record locks, by contrast, would not).
func TestFlockConflictsWithinOneProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	var fds [2]*os.File
	for i := range fds {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		fds[i] = f
	}
	if err := unix.Flock(int(fds[0].Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	err := unix.Flock(int(fds[1].Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if !errors.Is(err, unix.EWOULDBLOCK) {
		t.Errorf("second flock in the same process = %v, want EWOULDBLOCK", err)
	}
}

func TestTryLockConflict(t *testing.T) {
	dir := t.TempDir()
	l := newLocks(t, dir)
	unlock, err := l.TryLock("c1")
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.TryLock("c1")
	if !errdefs.IsConflict(err) {
		t.Errorf("TryLock of held lock, same Dir = %v", err)
	}
	_, err = newLocks(t, dir).TryLock("c1") // another fd, as another process
	if !errdefs.IsConflict(err) || err.Error() != "c1 is locked by another podunit command: conflict" {
		t.Errorf("TryLock of held lock, other Dir = %v", err)
	}
	unlock()
	unlock() // harmless
	u2, err := l.TryLock("c1")
	if err != nil {
		t.Fatalf("TryLock after unlock: %v", err)
	}
	u2()
}

func TestLockHonoursContext(t *testing.T) {
	dir := t.TempDir()
	for name, l := range map[string]*Dir{"same": newLocks(t, dir), "other": newLocks(t, dir)} {
		holder := newLocks(t, dir)
		if name == "same" {
			holder = l
		}
		unlock, err := holder.Lock(ctx, "c"+name)
		if err != nil {
			t.Fatal(err)
		}
		c, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		_, err = l.Lock(c, "c"+name)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: Lock while held = %v, want deadline exceeded", name, err)
		}
		unlock()
	}
}

func TestInvalidLockNames(t *testing.T) {
	l := newLocks(t, t.TempDir())
	for _, id := range []string{"", ".", "..", "a/b", "../x", "a b", "a\x00"} {
		if _, err := l.TryLock(id); !errdefs.IsInvalidArgument(err) {
			t.Errorf("TryLock(%q) = %v", id, err)
		}
	}
}

// Goroutines sharing one Dir exclude each other through its gates: the
// race detector sees the plain counter as guarded only if they do.
func TestLockExcludesGoroutines(t *testing.T) {
	l := newLocks(t, t.TempDir())
	counter := 0
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				unlock, err := l.Lock(ctx, "c1")
				if err != nil {
					t.Error(err)
					return
				}
				counter++
				unlock()
			}
		}()
	}
	wg.Wait()
	if counter != 400 {
		t.Errorf("counter = %d, want 400", counter)
	}
	if len(l.gates) != 0 {
		t.Errorf("gates left behind: %d", len(l.gates))
	}
}

// occupancy counts holders per id; a second holder at once is a failure.
// It uses atomics because exclusion through flock alone, between separate
// Dir, is invisible to the race detector.
type occupancy map[string]*atomic.Int32

func (o occupancy) enter(t *testing.T, id string) {
	if n := o[id].Add(1); n != 1 {
		t.Errorf("%d holders of %s at once", n, id)
	}
}

func (o occupancy) leave(id string) { o[id].Add(-1) }

func TestLockAllOverlappingSetsFinish(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e"}
	occ := occupancy{}
	for _, id := range ids {
		occ[id] = new(atomic.Int32)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		runLockAll(t, t.TempDir(), ids, occ)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("LockAll deadlocked")
	}
}

// runLockAll has 16 goroutines, a quarter with Dirs of their own, lock
// random overlapping sets, given reversed and with repeats.
func runLockAll(t *testing.T, dir string, ids []string, occ occupancy) {
	shared := newLocks(t, dir)
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		l := shared
		if g%4 == 0 {
			l = newLocks(t, dir)
		}
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			r := rand.New(rand.NewSource(seed))
			for i := 0; i < 40; i++ {
				lockAllOnce(t, l, randomSet(r, ids), occ)
			}
		}(int64(g))
	}
	wg.Wait()
}

func lockAllOnce(t *testing.T, l *Dir, set []string, occ occupancy) {
	unlock, err := l.LockAll(ctx, set)
	if err != nil {
		t.Error(err)
		return
	}
	for _, id := range sortedUnique(set) {
		occ.enter(t, id)
	}
	time.Sleep(50 * time.Microsecond)
	for _, id := range sortedUnique(set) {
		occ.leave(id)
	}
	unlock()
}

// randomSet is a few of ids, in random order and with a repeat.
func randomSet(r *rand.Rand, ids []string) []string {
	var set []string
	for _, i := range r.Perm(len(ids))[:1+r.Intn(len(ids))] {
		set = append(set, ids[i])
	}
	return append(set, set[0])
}

// A waiter that wakes on a removed lock file must move to the new file,
// or it and a newcomer would both think they hold the lock.
func TestWaiterMovesOffRemovedLockFile(t *testing.T) {
	dir := t.TempDir()
	a := newLocks(t, dir)
	unlock, err := a.Lock(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	b := newLocks(t, dir)
	got := make(chan func())
	go func() {
		u, err := b.Lock(ctx, "c1")
		if err != nil {
			t.Error(err)
		}
		got <- u
	}()
	time.Sleep(30 * time.Millisecond) // let b open the old file and wait
	if err := a.Remove("c1"); err != nil {
		t.Fatal(err)
	}
	unlock()
	ub := <-got
	defer ub()
	if _, err := newLocks(t, dir).TryLock("c1"); !errdefs.IsConflict(err) {
		t.Errorf("newcomer got the lock b holds: %v", err)
	}
}
