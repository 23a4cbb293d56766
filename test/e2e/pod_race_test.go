package e2e

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestPodRemoveRacingMemberStarts runs `pod rm -f` while both members of
// the pod are started one by one: a member's `start` brings the pod up
// itself, and without the pod's lock (which `pod rm` holds) it could pin
// the pod's namespaces after the removal took them down and before it
// removed the record. Whichever
// order they land in, nothing of the pod may stay (census: records,
// storage, mounts and pins, units, cgroups, system check). The starts
// come a little later each round, across the removal's steps.
func TestPodRemoveRacingMemberStarts(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	e.image()
	for i := range 16 {
		pod := fmt.Sprintf("race%d", i)
		e.must("pod", "create", "--network", "none", "--name", pod)
		for _, m := range []string{"a", "b"} {
			e.must("create", "--pod", pod, "--name", pod+m, "--stop-signal", "KILL", "bb", "sleep", "600")
		}
		e.must("pod", "start", pod)
		e.must("pod", "stop", "-t", "0", pod)
		var wg sync.WaitGroup
		wg.Go(func() { e.run("pod", "rm", "-f", "-t", "0", pod) })
		for _, m := range []string{"a", "b"} {
			wg.Go(func() {
				time.Sleep(time.Duration(i*3) * time.Millisecond)
				e.run("start", pod+m) // may fail: removed meanwhile
			})
		}
		wg.Wait()
		e.run("pod", "rm", "-f", "-t", "0", pod) // where a start came last, the pod is up again
		if census(t, e, fmt.Sprintf("round %d (starts %d ms after pod rm)", i, i*3)) {
			t.FailNow()
		}
	}
}
