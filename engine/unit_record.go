package engine

import (
	"context"
	"time"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/oci"
	"github.com/podunit/podunit/engine/state"
	"github.com/podunit/podunit/engine/systemd"
)

// storeRecorder is the unitstart.Recorder that writes a start's outcome in
// the state database: unit-start's own, and the command's for what a
// podunit-start reports to it (unitstart.Serve).
type storeRecorder struct{ st *state.Store }

func (r storeRecorder) Running(ctx context.Context, id string, pid int, unit string) error {
	_, err := r.st.UpdateContainer(ctx, id, started(true, pid, unit))
	return err
}

func (r storeRecorder) Failed(id string, cause error) { recordFailureIn(r.st, id, cause) }

// reportRecorder is the recorder of the command that started c's unit for
// what its podunit-start reports (unitstart.Serve). Running does, before
// its answer lets the unit go ready, all that follows a start: the record,
// the `start` event and the health check's timer. So a command killed once
// the unit is active has left nothing undone, and one killed before it
// answered leaves it all to the full unit-start the plan is handed to.
// Failed is storeRecorder's.
type reportRecorder struct {
	storeRecorder
	e    *Engine
	conn *systemd.Conn
	c    *model.Container
}

func (r reportRecorder) Running(ctx context.Context, id string, pid int, unit string) error {
	if err := r.storeRecorder.Running(ctx, id, pid, unit); err != nil {
		return err
	}
	started := *r.c
	started.State.Unit = unit
	r.e.containerEvent(&started, "start")
	r.e.startHealthTimer(ctx, r.conn, r.e.followed(ctx, &started))
	return nil
}

// started is the record's change for a start in unit whose init is pid:
// running (or created, when the init is not let go yet), its error and
// exit code cleared, its health starting again.
func started(running bool, pid int, unit string) func(*model.Container) error {
	return func(c *model.Container) error {
		c.State.Status, c.State.Pid, c.State.Error = model.Created, pid, ""
		if running {
			c.State.Status = model.Running
		}
		c.State.Unit, c.State.StartedAt, c.State.ExitCode = unit, time.Now().UTC(), 0
		c.State.Health = c.FreshHealth()
		return nil
	}
}

// recordFailureIn records in st that container id did not start, and why:
// exited, with the exec error's code (126, 127) or 125. The command that
// started the unit reports that reason rather than systemd's "job failed".
func recordFailureIn(st *state.Store, id string, cause error) {
	code := 125
	if x, ok := oci.IsExecError(cause); ok {
		code = x.Code
	}
	_, _ = st.UpdateContainer(context.Background(), id, func(c *model.Container) error {
		c.State.Status, c.State.Pid = model.Exited, 0
		c.State.ExitCode, c.State.Error, c.State.FinishedAt = code, cause.Error(), time.Now().UTC()
		return nil
	})
}
