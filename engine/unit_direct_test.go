package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/locks"
	"github.com/podunit/podunit/engine/oci"
)

// TestAwaitStart: a start under way is told by its link to a live process
// other than this one (as oci.UnitCreate makes it, through that process's
// root); a wait for it, the lock's (locks.Dir.AwaitRelease with the
// engine's options), says who starts the container after the notice's
// delay, gives up after the lock timeout naming the starter, and ends when
// the starter is gone (its link no longer resolves).
func TestAwaitStart(t *testing.T) {
	e := &Engine{runDir: t.TempDir()}
	id := strings.Repeat("ab", 32)
	bundle := e.bundleDir(id)
	if err := os.MkdirAll(bundle, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(bundle, oci.UnitExeLink)
	if pid := e.startUnderWay(id); pid != 0 {
		t.Fatalf("no link: a start by %d", pid)
	}

	// this process's own link is no other command's start
	if err := os.Symlink(fmt.Sprintf("/proc/%d/root/bin/sh", os.Getpid()), link); err != nil {
		t.Fatal(err)
	}
	if pid := e.startUnderWay(id); pid != 0 {
		t.Fatalf("this process's own link: a start by %d", pid)
	}
	_ = os.Remove(link)

	starter := exec.Command("sleep", "60")
	if err := starter.Start(); err != nil {
		t.Fatal(err)
	}
	ended := sync.OnceFunc(func() { _ = starter.Process.Kill(); _ = starter.Wait() })
	defer ended()
	spid := starter.Process.Pid
	if err := os.Symlink(fmt.Sprintf("/proc/%d/root/bin/sh", spid), link); err != nil {
		t.Fatal(err)
	}
	if pid := e.startUnderWay(id); pid != spid {
		t.Fatalf("a live starter's link: start by %d, want %d", pid, spid)
	}

	var mu sync.Mutex
	var warned []string
	e.cfg.Warn = func(err error) { mu.Lock(); warned = append(warned, err.Error()); mu.Unlock() }
	withLocks := func(timeout time.Duration) {
		o := e.lockOptions() // the engine's, with a shorter notice
		o.Timeout, o.NoticeAfter = timeout, 100*time.Millisecond
		var err error
		if e.locks, err = locks.NewWith(t.TempDir(), o); err != nil {
			t.Fatal(err)
		}
	}

	withLocks(300 * time.Millisecond)
	err := e.awaitStart(context.Background(), id)
	if want := fmt.Sprintf("still being started by process %d (sleep 60)", spid); !errdefs.IsConflict(err) || !strings.Contains(err.Error(), want) {
		t.Fatalf("the wait past the lock timeout: %v, want a conflict with %q", err, want)
	}

	withLocks(0)
	warned = nil
	go func() { time.Sleep(400 * time.Millisecond); ended() }()
	began := time.Now()
	if err := e.awaitStart(context.Background(), id); err != nil {
		t.Fatalf("the wait for a starter that ends: %v", err)
	}
	if d := time.Since(began); d < 400*time.Millisecond {
		t.Errorf("the wait ended after %s, before its starter", d)
	}
	mu.Lock()
	if want := fmt.Sprintf("container %s is being started by process %d (sleep 60); waiting", id[:12], spid); len(warned) != 1 || warned[0] != want {
		t.Errorf("notices: %q, want once %q", warned, want)
	}
	mu.Unlock()
	if pid := e.startUnderWay(id); pid != 0 {
		t.Errorf("a dead starter's link: a start by %d", pid)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = os.Remove(link)
	if err := os.Symlink(fmt.Sprintf("/proc/%d/root/bin/sh", os.Getppid()), link); err != nil {
		t.Fatal(err)
	}
	if err := e.awaitStart(ctx, id); !errors.Is(err, context.Canceled) {
		t.Errorf("a wait whose context is done: %v", err)
	}
}

// BenchmarkStartUnderWay: what the check costs every lock and lookup of a
// container when no start is under way (its bundle without the link).
func BenchmarkStartUnderWay(b *testing.B) {
	e := &Engine{runDir: b.TempDir()}
	id := strings.Repeat("cd", 32)
	if err := os.MkdirAll(e.bundleDir(id), 0o700); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if e.startUnderWay(id) != 0 {
			b.Fatal("a start under way")
		}
	}
}
