package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// waitPoll is how often Wait looks at the record again.
const waitPoll = 50 * time.Millisecond

// Wait blocks until the container is not running and returns its exit code.
// An --rm container's removal may come between two looks (a unit's cleanup
// records the end and removes the record at once): the removal keeps the
// code for a while (state's RemovedExitCode), and Wait reads it there, as it
// does for a container that was removed before Wait began.
func (e *Engine) Wait(ctx context.Context, ref string) (int, error) {
	c, err := e.store.Container(ctx, ref)
	if errdefs.IsNotFound(err) {
		return e.removedExit(ctx, ref, err)
	}
	if err != nil {
		return 0, err
	}
	for {
		if err := e.afterStart(ctx, c.ID); err != nil { // the run it starts is the one waited for
			return 0, err
		}
		cur, err := e.Refresh(ctx, c.ID)
		if errdefs.IsNotFound(err) {
			return e.removedExit(ctx, c.ID, fmt.Errorf("container %q was removed before it ended: %w", c.Name, errdefs.ErrNotFound))
		}
		if err != nil {
			return 0, err
		}
		if cur.State.Status == model.Exited {
			return cur.State.ExitCode, nil
		}
		c = cur
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(waitPoll):
		}
	}
}

// removedExit is the kept exit code of the removed container ref, or
// notFound when none was kept.
func (e *Engine) removedExit(ctx context.Context, ref string, notFound error) (int, error) {
	r, err := e.store.RemovedExitCode(ctx, ref)
	if errdefs.IsNotFound(err) {
		return 0, notFound
	}
	if err != nil {
		return 0, err
	}
	return r.Code, nil
}
