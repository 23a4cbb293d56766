package state

import (
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// ended records c as exited with code.
func ended(t *testing.T, s *Store, id string, code int) {
	t.Helper()
	_, err := s.UpdateContainer(ctx, id, func(c *model.Container) error {
		c.State.Status, c.State.ExitCode, c.State.FinishedAt = model.Exited, code, time.Now().UTC()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRemovedExitCode: the removal of an ended container keeps its code,
// found by full ID or by name (the latest removal of that name); one that
// never ended keeps none.
func TestRemovedExitCode(t *testing.T) {
	s, _ := openTemp(t)
	first, second, never := testID("", 1), testID("", 2), testID("", 3)
	for _, c := range []struct {
		id   string
		code int
	}{{first, 7}, {second, 9}} {
		mustAdd(t, s, minimal(c.id, "web"))
		ended(t, s, c.id, c.code)
		if err := s.RemoveContainer(ctx, c.id); err != nil {
			t.Fatal(err)
		}
	}
	mustAdd(t, s, minimal(never, "created"))
	if err := s.RemoveContainer(ctx, never); err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]int{first: 7, second: 9, "web": 9} {
		if r, err := s.RemovedExitCode(ctx, ref); err != nil || r.Code != want || r.Name != "web" {
			t.Errorf("RemovedExitCode(%s) = %+v, %v; want code %d", ref, r, err, want)
		}
	}
	for _, ref := range []string{never, "created", first[:12], "nosuch"} {
		if r, err := s.RemovedExitCode(ctx, ref); !errdefs.IsNotFound(err) {
			t.Errorf("RemovedExitCode(%s) = %+v, %v; want not found", ref, r, err)
		}
	}
	if err := s.RemoveContainer(ctx, first); !errdefs.IsNotFound(err) {
		t.Errorf("a second RemoveContainer = %v, want not found", err)
	}
	if r, err := s.RemovedExitCode(ctx, first); err != nil || r.Code != 7 {
		t.Errorf("after a second removal RemovedExitCode = %+v, %v; want 7 kept", r, err)
	}
}

// TestRemovedExitCodeExpires: a code older than exitKeep is neither found
// nor kept: the next removal forgets it.
func TestRemovedExitCodeExpires(t *testing.T) {
	s, _ := openTemp(t)
	old := time.Now().Add(-exitKeep - time.Second).UnixNano()
	if _, err := s.db.Exec(`INSERT INTO exits (id, name, code, error, removed) VALUES (?, 'old', 3, '', ?)`, testID("", 1), old); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RemovedExitCode(ctx, "old"); !errdefs.IsNotFound(err) {
		t.Errorf("RemovedExitCode of an expired code = %v, want not found", err)
	}
	mustAdd(t, s, minimal(testID("", 2), "new"))
	ended(t, s, testID("", 2), 0)
	if err := s.RemoveContainer(ctx, testID("", 2)); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM exits`).Scan(&n); err != nil || n != 1 {
		t.Errorf("exits after a removal: %d rows, %v; want the new one alone", n, err)
	}
}
