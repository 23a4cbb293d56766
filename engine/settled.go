package engine

import (
	"context"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// WaitSettled blocks until every container of ids has exited for good,
// its unit neither running nor about to start it again (Restart=), and
// returns their exit codes in the order of ids; a container removed
// meanwhile has the code its removal kept (0 if none). It is how `kube play
// --service-exit-code-propagation` waits for a YAML's containers.
func (e *Engine) WaitSettled(ctx context.Context, ids []string) ([]int, error) {
	codes := make([]int, len(ids))
	for i, id := range ids {
		for {
			c, err := e.Refresh(ctx, id)
			if errdefs.IsNotFound(err) { // removed: its kept code, else 0
				codes[i], _ = e.removedExit(ctx, id, nil)
				break
			}
			if err != nil {
				return nil, err
			}
			if c.State.Status == model.Exited && e.unitSettled(ctx, c) {
				codes[i] = c.State.ExitCode
				break
			}
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	return codes, nil
}

// unitSettled reports whether c's unit, if any, is done with it: neither
// active nor activating (which includes waiting to restart it).
func (e *Engine) unitSettled(ctx context.Context, c *model.Container) bool {
	_, settled := e.exitFromUnit(ctx, c)
	return settled
}
