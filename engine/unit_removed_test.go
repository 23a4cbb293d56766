package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/oci"
)

// TestStartOfRemovedRmContainer: a unit start checked after the --rm
// container's cleanup removed it is told apart by the end its removal
// kept: ended on its own (no failure; the record as exited with its code),
// a start that failed (that failure), or removed by another command.
func TestStartOfRemovedRmContainer(t *testing.T) {
	e := storeOnly(t)
	ctx := context.Background()
	jobErr := errors.New("start job failed")
	gone := func(n int, code int, msg string) *model.Container {
		c := &model.Container{ID: fmtID(n), Name: "rm", Image: "bb", ImageID: fmtID(n), Created: time.Now().UTC(),
			Config: model.Config{Remove: true}, State: model.State{Status: model.Created}}
		if err := e.store.AddContainer(ctx, c); err != nil {
			t.Fatal(err)
		}
		if code >= 0 {
			_, err := e.store.UpdateContainer(ctx, c.ID, func(c *model.Container) error {
				c.State.Status, c.State.ExitCode, c.State.Error, c.State.FinishedAt = model.Exited, code, msg, time.Now().UTC()
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := e.store.RemoveContainer(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		return c
	}
	ran := gone(1, 7, "")
	if err := e.removedWhileStarting(ctx, ran, jobErr); err != nil {
		t.Errorf("an --rm container that ended on its own: %v, want no failure", err)
	}
	if got, err := e.startedRecord(ctx, ran); err != nil || got.State.Status != model.Exited || got.State.ExitCode != 7 {
		t.Errorf("startedRecord = %+v, %v; want exited 7", got, err)
	}
	failed := gone(2, 127, "no-such: not found")
	var x *oci.ExecError
	if err := e.removedWhileStarting(ctx, failed, jobErr); !errors.As(err, &x) || x.Code != 127 {
		t.Errorf("an --rm container whose start failed: %v, want its exec error 127", err)
	}
	taken := gone(3, -1, "")
	if err := e.removedWhileStarting(ctx, taken, jobErr); !errdefs.IsConflict(err) {
		t.Errorf("a container removed before it ran: %v, want a conflict", err)
	}
	if _, err := e.startedRecord(ctx, taken); !errdefs.IsNotFound(err) {
		t.Errorf("startedRecord of a container removed before it ran: %v, want not found", err)
	}
}
