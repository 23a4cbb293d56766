package engine

import (
	"context"
	"time"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/systemd"
	"github.com/podunit/podunit/engine/unitstart"
)

// Refresh brings a container's recorded status in line with the machine:
// a "running" container whose init is gone, and whose unit (if any) or
// attached run is not about to record the exit itself, is recorded as exited.
func (e *Engine) Refresh(ctx context.Context, id string) (*model.Container, error) {
	c, err := e.store.Container(ctx, id)
	if err != nil || c.State.Status != model.Running || alive(c.State.Pid) {
		return c, err
	}
	if c.State.Unit == "" && ownerLives(e.bundleDir(c.ID)) {
		return c, nil // its attached run records the end (attached_owner.go)
	}
	code, settled := e.exitFromUnit(ctx, c)
	if !settled {
		return c, nil
	}
	exited := func(c *model.Container) error {
		if c.State.Status != model.Running || alive(c.State.Pid) {
			return nil
		}
		c.State.Status, c.State.Pid, c.State.ExitCode = model.Exited, 0, code
		c.State.FinishedAt = time.Now().UTC()
		return nil
	}
	fresh, err := e.store.UpdateContainer(ctx, c.ID, exited)
	if err != nil {
		// The machine decides what is shown, even where the record cannot
		// be written (a full disk): the caller gets both.
		_ = exited(c)
		return c, err
	}
	return fresh, nil
}

// exitFromUnit asks systemd about a dead container's unit: settled is false
// while the unit is still active or changing (its ExecStopPost= will record
// the exit, or systemd is restarting it).
func (e *Engine) exitFromUnit(ctx context.Context, c *model.Container) (code int, settled bool) {
	if c.State.Unit == "" || !systemd.Available() {
		return -1, true
	}
	conn, err := e.connect(ctx)
	if err != nil {
		return -1, true
	}
	defer conn.Close()
	st, err := conn.State(ctx, c.State.Unit)
	if err != nil {
		return -1, true
	}
	switch st.ActiveState {
	case "active", "activating", "deactivating", "reloading":
		return 0, false
	}
	return -1, true
}

// alive reports whether pid is a live (not zombie) process.
func alive(pid int) bool { return unitstart.Alive(pid) }
