package image

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// crashOp leaves an op directory as a SIGKILLed command would: its lock file
// unlocked (the process is gone), an intent log naming ids, and a temporary
// file of containers/image's.
func crashOp(t *testing.T, s *Store, ids ...string) string {
	t.Helper()
	o, err := s.beginOp()
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(o.dir, "container_images_storage123")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	var log []byte
	for _, id := range ids {
		log = append(log, id+"\n"...)
	}
	if err := os.WriteFile(filepath.Join(o.dir, opIntentLog), log, 0o600); err != nil {
		t.Fatal(err)
	}
	_ = o.lock.Close() // the kernel drops a dead process's flock
	return o.dir
}

func TestRecoverOpsRemovesWhatACrashedImportLeft(t *testing.T) {
	s := newStore(t, "vfs")
	unnamed, err := s.Import(ctx, fixtures.rootfsTar, "")
	if err != nil {
		t.Fatal(err)
	}
	named := load(t, s, fixtures.dockerArchive)[0]
	namedImg, err := s.Resolve(ctx, named)
	if err != nil {
		t.Fatal(err)
	}
	running, err := s.beginOp() // a live op: its lock is held
	if err != nil {
		t.Fatal(err)
	}
	defer running.end()
	stale := crashOp(t, s, unnamed, namedImg.ID, "0000000000000000000000000000000000000000000000000000000000000000")

	if err := s.RecoverOps(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.Image(unnamed); err == nil {
		t.Errorf("the nameless image %s a crashed op meant to make is still there", unnamed)
	}
	if _, err := s.store.Image(namedImg.ID); err != nil {
		t.Errorf("a named image listed by a crashed op was removed: %v", err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the crashed op's directory remains: %v", err)
	}
	if _, err := os.Stat(running.dir); err != nil {
		t.Errorf("a running op's directory was touched: %v", err)
	}
}

func TestRecoverOpsKeepsAnImageAContainerUses(t *testing.T) {
	s := newStore(t, "vfs")
	id, err := s.Import(ctx, fixtures.rootfsTar, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRootfs(ctx, id, "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1", "c1"); err != nil {
		t.Fatal(err)
	}
	crashOp(t, s, id)
	if err := s.RecoverOps(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.Image(id); err != nil {
		t.Errorf("an image a container uses was removed: %v", err)
	}
}

func TestImportLeavesNoScratchSpace(t *testing.T) {
	s := newStore(t, "vfs")
	if _, err := s.Import(ctx, fixtures.rootfsTar, "bb"); err != nil {
		t.Fatal(err)
	}
	load(t, s, fixtures.ociArchive)
	left, _ := os.ReadDir(s.opsDir())
	if len(left) != 0 {
		t.Errorf("%s holds %d entries after import and load", s.opsDir(), len(left))
	}
}

func TestRecoverOpsRemovesAnOpKilledBeforeItsLock(t *testing.T) {
	s := newStore(t, "vfs")
	if err := os.MkdirAll(s.opsDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	// a PID that is not running: this test's child, waited for
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	dead := filepath.Join(s.opsDir(), fmt.Sprintf("op-%d-123", cmd.Process.Pid))
	// a PID that runs again: the one in the name was reused (as it was
	// in a fault-injection trial, in a sandbox's small PID space)
	reused := filepath.Join(s.opsDir(), fmt.Sprintf("op-%d-456", os.Getpid()))
	for _, d := range []string{dead, reused} {
		if err := os.MkdirAll(filepath.Join(d, "container_images_storage1"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecoverOps(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dead, reused} {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("the lockless op %s remains: %v", filepath.Base(d), err)
		}
	}
}

func TestRecoverOpsWaitsForAnOpBeingMade(t *testing.T) {
	s := newStore(t, "vfs")
	if err := os.MkdirAll(s.opsDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	unlock, err := s.lockOps()
	if err != nil {
		t.Fatal(err)
	}
	making := filepath.Join(s.opsDir(), fmt.Sprintf("op-%d-789", os.Getpid()))
	if err := os.Mkdir(making, 0o700); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.RecoverOps() }()
	select {
	case err := <-done:
		t.Fatalf("recovery did not wait for the scratch space's lock: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	if _, err := os.Stat(making); err != nil {
		t.Fatalf("an op being made was removed: %v", err)
	}
	unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(making); !os.IsNotExist(err) {
		t.Errorf("a lockless op whose maker let go remains: %v", err)
	}
}
