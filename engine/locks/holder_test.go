package locks

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
)

// holdFile takes an flock on path through a file of its own, as another
// process would, until the test ends.
func holdFile(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		t.Fatal(err)
	}
}

func TestWaitNamesTheHolderAndTimesOut(t *testing.T) {
	dir := t.TempDir()
	var mu sync.Mutex
	var told []Holder
	l, err := NewWith(dir, Options{Timeout: 300 * time.Millisecond, NoticeAfter: 50 * time.Millisecond,
		OnWait: func(h Holder) { mu.Lock(); told = append(told, h); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	holdFile(t, filepath.Join(dir, "c1.lock"))
	start := time.Now()
	_, err = l.Lock(context.Background(), "c1")
	if !errdefs.IsConflict(err) || !strings.Contains(err.Error(), "process "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("a wait past the timeout: %v, want a conflict naming this process", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the wait took %s with a 300ms timeout", d)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(told) != 1 || told[0].ID != "c1" || told[0].Pid != os.Getpid() {
		t.Errorf("OnWait heard %+v, want once, c1 held by %d", told, os.Getpid())
	}
}

func TestLockFollowsNoSymlink(t *testing.T) {
	dir := t.TempDir()
	l := newLocks(t, dir)
	target := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.Symlink(target, filepath.Join(dir, "c1.lock")); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Lock(context.Background(), "c1"); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("locking through a symlink: %v", err)
	}
	if _, err := os.Lstat(target); !os.IsNotExist(err) {
		t.Errorf("the symlink's target was created: %v", err)
	}
	link := filepath.Join(t.TempDir(), "locks")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if _, err := New(link); !errdefs.IsInvalidArgument(err) {
		t.Errorf("a lock directory that is a symlink: %v", err)
	}
}

func TestRemoveIdleSparesAHeldLock(t *testing.T) {
	dir := t.TempDir()
	l := newLocks(t, dir)
	holdFile(t, filepath.Join(dir, "c1.lock"))
	if err := l.RemoveIdle("c1"); !errdefs.IsConflict(err) {
		t.Fatalf("RemoveIdle of a held lock: %v", err)
	}
	unlock, err := l.Lock(context.Background(), "c2")
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	if err := l.RemoveIdle("c2"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "c2.lock")); !os.IsNotExist(err) {
		t.Errorf("the idle lock file remains: %v", err)
	}
}

// TestAwaitRelease: a hold by other means than the lock file is waited out
// as the lock is: OnWait hears once who holds it and how, the timeout is a
// conflict saying how and naming the holder, a holder that lets go ends the
// wait, and no holder means no wait.
func TestAwaitRelease(t *testing.T) {
	var mu sync.Mutex
	var told []Holder
	l, err := NewWith(t.TempDir(), Options{Timeout: 300 * time.Millisecond, NoticeAfter: 50 * time.Millisecond,
		OnWait: func(h Holder) { mu.Lock(); told = append(told, h); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	self := func() int { return os.Getpid() }
	err = l.AwaitRelease(context.Background(), "c1", "being started", self)
	want := "still being started by process " + strconv.Itoa(os.Getpid()) + " ("
	if !errdefs.IsConflict(err) || !strings.Contains(err.Error(), want) {
		t.Fatalf("a hold past the timeout: %v, want a conflict with %q", err, want)
	}
	mu.Lock()
	if len(told) != 1 || told[0].ID != "c1" || told[0].Pid != os.Getpid() || told[0].Holding() != "being started" {
		t.Errorf("OnWait heard %+v, want once, c1 being started by %d", told, os.Getpid())
	}
	mu.Unlock()

	polls := 0
	lets := func() int {
		if polls++; polls < 5 {
			return os.Getpid()
		}
		return 0
	}
	if err := l.AwaitRelease(context.Background(), "c1", "being started", lets); err != nil || polls != 5 {
		t.Fatalf("a holder that lets go at the 5th look: %v after %d looks", err, polls)
	}
	if err := l.AwaitRelease(context.Background(), "c1", "being started", func() int { return 0 }); err != nil {
		t.Fatalf("no holder: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.AwaitRelease(ctx, "c1", "being started", self); !errors.Is(err, context.Canceled) || errdefs.IsConflict(err) {
		t.Errorf("a wait whose context is done: %v, want canceled, no conflict", err)
	}
}
