package state

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/locks"
)

// The locks across processes: the helper process (process_test.go) holds
// a lock of engine/locks as a podunit command does.

func newLocks(t *testing.T, dir string) *locks.Dir {
	t.Helper()
	l, err := locks.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Another process's lock blocks Lock until that process unlocks.
func TestLockBlocksUntilOtherProcessUnlocks(t *testing.T) {
	dir := t.TempDir()
	h := startHelper(t, "hold", dir, "c1")
	h.expect(t, "locked")
	acquired := make(chan time.Time, 1)
	go func() {
		unlock, err := newLocks(t, dir).Lock(ctx, "c1")
		if err != nil {
			t.Error(err)
		}
		acquired <- time.Now()
		unlock()
	}()
	select {
	case <-acquired:
		t.Fatal("Lock returned while another process held the lock")
	case <-time.After(300 * time.Millisecond):
	}
	fmt.Fprintln(h.stdin)
	unlockedAt, _ := strconv.ParseInt(h.expect(t, "unlocked"), 10, 64)
	at := <-acquired
	if at.UnixNano() < unlockedAt {
		t.Errorf("Lock returned %v before the holder unlocked", time.Unix(0, unlockedAt).Sub(at))
	}
	t.Logf("handoff latency %v", at.Sub(time.Unix(0, unlockedAt)))
	if err := h.cmd.Wait(); err != nil {
		t.Errorf("helper: %v", err)
	}
}

// A process killed while it holds a lock leaves nothing that blocks.
func TestSIGKILLedHolderReleasesLock(t *testing.T) {
	dir := t.TempDir()
	h := startHelper(t, "hold", dir, "c1")
	h.expect(t, "locked")
	l := newLocks(t, dir)
	if _, err := l.TryLock("c1"); !errdefs.IsConflict(err) {
		t.Fatalf("TryLock against another process = %v, want conflict", err)
	}
	if err := h.cmd.Process.Signal(unix.SIGKILL); err != nil {
		t.Fatal(err)
	}
	h.cmd.Wait()
	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	unlock, err := l.Lock(c, "c1")
	if err != nil {
		t.Fatalf("Lock after the holder died: %v", err)
	}
	unlock()
}
