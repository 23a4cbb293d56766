package state

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/podunit/podunit/engine/model"
)

// Eight stores on one file, as eight commands would be, each increment in
// its own IMMEDIATE transaction: no update may be lost and none may fail.
func TestConcurrentStoresDoNotLoseUpdates(t *testing.T) {
	s, path := openTemp(t)
	id := testID("", 1)
	mustAdd(t, s, minimal(id, "web"))
	const workers, rounds = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- incrementN(path, id, rounds)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := mustGet(t, s, id).State.ExitCode; got != workers*rounds {
		t.Errorf("counter = %d, want %d", got, workers*rounds)
	}
}

// incrementN opens its own store and increments the counter n times.
func incrementN(path, id string, n int) error {
	s, err := Open(path)
	if err != nil {
		return err
	}
	defer s.Close()
	for i := 0; i < n; i++ {
		_, err := s.UpdateContainer(ctx, id, func(c *model.Container) error {
			c.State.ExitCode++
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Four processes, each a read and a separate write under Locks.Lock: the
// lock alone keeps the count exact.
func TestCrossProcessLockedIncrements(t *testing.T) {
	s, path := openTemp(t)
	lockDir := filepath.Join(t.TempDir(), "locks")
	id := testID("", 1)
	mustAdd(t, s, minimal(id, "web"))
	const procs, rounds = 4, 50
	var children []*child
	for i := 0; i < procs; i++ {
		children = append(children, startHelper(t, "increment", path, lockDir, id, "50"))
	}
	for i, c := range children {
		c.stdin.Close()
		if err := c.cmd.Wait(); err != nil {
			t.Errorf("helper %d: %v", i, err)
		}
	}
	if got := mustGet(t, s, id).State.ExitCode; got != procs*rounds {
		t.Errorf("counter = %d, want %d", got, procs*rounds)
	}
}
