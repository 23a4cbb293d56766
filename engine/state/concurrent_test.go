package state

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
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

// Four processes, each a read and a separate write under a locks.Dir's Lock: the
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

// Eight stores race, round after round, four adding members to a new pod
// and four removing it. Whoever wins, no container may be left in a pod
// that is gone: either the pod survives with every member that was added,
// or it is gone and no add succeeded.
func TestConcurrentAddMemberVersusRemovePod(t *testing.T) {
	s, path := openTemp(t)
	const workers, rounds = 8, 12
	removed := 0
	for r := 0; r < rounds; r++ {
		podID := testID("", 1000+r)
		mustAddPod(t, s, minimalPod(podID, fmt.Sprintf("pod%d", r)))
		start := make(chan struct{})
		added := make(chan string, workers)
		errs := make(chan error, workers)
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- raceWorker(path, podID, r, w, start, added)
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		close(added)
		for err := range errs {
			if err != nil {
				t.Errorf("round %d: %v", r, err)
			}
		}
		var want []string
		for name := range added {
			want = append(want, name)
		}
		_, err := s.Pod(ctx, podID)
		got := podMembers(t, s, podID)
		switch {
		case errdefs.IsNotFound(err):
			removed++
			if len(want) > 0 || got != "" {
				t.Errorf("round %d: pod removed, yet added %v and left %q", r, want, got)
			}
		case err != nil:
			t.Fatal(err)
		case len(strings.Fields(got)) != len(want):
			t.Errorf("round %d: members %q, want the %d added %v", r, got, len(want), want)
		}
	}
	t.Logf("pod removed in %d of %d rounds", removed, rounds)
	all, err := s.Containers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if _, err := s.Pod(ctx, c.Config.Pod); err != nil {
			t.Errorf("container %s is in pod %s: %v", c.Name, shortID(c.Config.Pod), err)
		}
	}
}

// raceWorker opens its own store and, once start closes, adds a member to
// the pod (even w) or removes the pod (odd w). The outcomes the race allows
// are not errors: an add finding the pod gone, a remove finding members or
// the pod already gone.
func raceWorker(path, podID string, r, w int, start <-chan struct{}, added chan<- string) error {
	s, err := Open(path)
	if err != nil {
		return err
	}
	defer s.Close()
	<-start
	if w%2 == 1 {
		err := s.RemovePod(ctx, podID)
		if errdefs.IsConflict(err) || errdefs.IsNotFound(err) {
			return nil
		}
		return err
	}
	name := fmt.Sprintf("r%dw%d", r, w)
	err = s.AddContainer(ctx, member(testID("", 100*r+w+1), name, podID))
	switch {
	case err == nil:
		added <- name
	case errdefs.IsNotFound(err):
		return nil
	}
	return err
}
