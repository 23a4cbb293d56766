package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// An --rm container that ends at once may be gone before its unit's start
// is checked: the unit's cleanup recorded its end and removed it. The
// removal kept the end (state's RemovedExitCode), which tells such a
// container from one another command removed.

// startedRecord is c's record after a start that went well, or, for an
// --rm container its cleanup removed already, c marked exited with the
// kept code.
func (e *Engine) startedRecord(ctx context.Context, c *model.Container) (*model.Container, error) {
	after, err := e.store.Container(ctx, c.ID)
	if !errdefs.IsNotFound(err) {
		return after, err
	}
	r, kerr := e.store.RemovedExitCode(ctx, c.ID)
	if kerr != nil {
		return nil, err
	}
	gone := *c
	gone.State.Status, gone.State.Pid, gone.State.ExitCode, gone.State.Error = model.Exited, 0, r.Code, r.Error
	return &gone, nil
}

// removedWhileStarting explains a failed unit start (jobErr) of c whose
// record is gone when the start is checked: no failure when c ended on its
// own before systemd heard it was ready (no start error kept), as for a
// container still recorded; the start's failure when one was kept.
func (e *Engine) removedWhileStarting(ctx context.Context, c *model.Container, jobErr error) error {
	r, err := e.store.RemovedExitCode(ctx, c.ID)
	switch {
	case err == nil && r.Error == "":
		return nil
	case err == nil:
		return startFailure(&model.Container{Name: c.Name, State: model.State{Status: model.Exited,
			ExitCode: r.Code, Error: r.Error}}, jobErr, time.Time{})
	}
	return fmt.Errorf("container %q was removed by another command while it started: %w", c.Name, errdefs.ErrConflict)
}

// failedAfterReady is the start failure unit-start recorded for c after it
// told systemd the unit was ready (startReady), kept in c's record or,
// for a container removed since (--rm), with its exit code; nil if none.
func (e *Engine) failedAfterReady(ctx context.Context, c *model.Container) error {
	after, err := e.store.Container(ctx, c.ID)
	if errdefs.IsNotFound(err) {
		r, kerr := e.store.RemovedExitCode(ctx, c.ID)
		if kerr != nil {
			return nil // removed by another command after it started
		}
		after, err = &model.Container{Name: c.Name, State: model.State{Status: model.Exited, ExitCode: r.Code, Error: r.Error}}, nil
	}
	if err != nil || after.State.Error == "" {
		return nil
	}
	return startFailure(after, errors.New("its unit was ready"), time.Time{})
}
