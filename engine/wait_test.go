package engine

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/state"
)

// storeOnly is an engine with a state store and nothing else: enough for
// Wait on records whose processes the test runs itself.
func storeOnly(t *testing.T) *Engine {
	t.Helper()
	s, err := state.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &Engine{store: s}
}

// runningRecord adds a container recorded running with a live process of
// the test's as its init, which end ends.
func runningRecord(t *testing.T, e *Engine, id, name string) (end func()) {
	t.Helper()
	p := exec.Command("sleep", "600")
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	c := &model.Container{ID: id, Name: name, Image: "bb", ImageID: id, Created: time.Now().UTC(),
		Config: model.Config{Remove: true},
		State:  model.State{Status: model.Running, Pid: p.Process.Pid, StartedAt: time.Now().UTC()}}
	if err := e.store.AddContainer(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return func() { _ = p.Process.Kill(); _ = p.Wait() }
}

// TestWaitForRemovedContainer: an --rm container whose end is recorded and
// whose record is removed at once, as a unit's cleanup does, between two of
// Wait's looks (or before Wait began): Wait returns the code it ended with,
// not the running record's 0 or "no such container". Repeated, as the old
// Wait caught the short "exited" record now and then.
func TestWaitForRemovedContainer(t *testing.T) {
	e := storeOnly(t)
	ctx := context.Background()
	for i := range 20 {
		id := fmtID(i + 1)
		end := runningRecord(t, e, id, "rm-me")
		got := make(chan [2]any, 1)
		go func() { code, err := e.Wait(ctx, id); got <- [2]any{code, err} }()
		if i%2 == 0 {
			time.Sleep(2 * waitPoll) // mostly after Wait's first look; either way must work
		}
		_, err := e.store.UpdateContainer(ctx, id, func(c *model.Container) error {
			c.State.Status, c.State.Pid, c.State.ExitCode, c.State.FinishedAt = model.Exited, 0, 7, time.Now().UTC()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.RemoveContainer(ctx, id); err != nil {
			t.Fatal(err)
		}
		end()
		select {
		case r := <-got:
			if r[0] != 7 || r[1] != nil {
				t.Fatalf("round %d: Wait = %v, %v; want 7", i, r[0], r[1])
			}
		case <-time.After(time.Minute):
			t.Fatalf("round %d: Wait did not return", i)
		}
	}
	if code, err := e.Wait(ctx, "rm-me"); code != 7 || err != nil {
		t.Errorf("Wait by the name of a removed container = %d, %v; want 7", code, err)
	}
}

// TestWaitRemovedBeforeItEnded: a container removed without an end (never
// started) leaves Wait nothing to return: not found, not a made-up 0.
func TestWaitRemovedBeforeItEnded(t *testing.T) {
	e := storeOnly(t)
	ctx := context.Background()
	id := fmtID(1)
	end := runningRecord(t, e, id, "gone")
	defer end()
	got := make(chan error, 1)
	go func() { _, err := e.Wait(ctx, id); got <- err }()
	time.Sleep(2 * waitPoll)
	if err := e.store.RemoveContainer(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := <-got; !errdefs.IsNotFound(err) {
		t.Errorf("Wait on a container removed while running = %v, want not found", err)
	}
}

// fmtID is a full container ID made from n.
func fmtID(n int) string {
	const hex = "0123456789abcdef"
	b := []byte("c0ffee0000000000000000000000000000000000000000000000000000000000")
	for i := len(b) - 1; n > 0; i, n = i-1, n/16 {
		b[i] = hex[n%16]
	}
	return string(b)
}
