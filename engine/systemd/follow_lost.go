package systemd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	sdbus "github.com/coreos/go-systemd/v22/dbus"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/internal/ctxsleep"
)

// lostWait bounds how long a job whose connection was lost is followed
// over a new one: the manager's re-execution and the job's own end.
const lostWait = time.Minute

// follow finds how job j ended after the connection it was asked on was
// lost: the manager re-executed (daemon-reexec, as an upgrade of systemd
// runs it) or died, and no signal will report the job. Over a new
// connection (the manager takes a moment to come back) it waits until the
// job, which a re-execution keeps by its id, has left the manager's queue,
// and then judges by the unit's state: a start that left the unit active,
// or a stop that left it inactive, failed or unloaded, is "done"; a start
// that left it failed "failed", which callers explain from what the unit
// recorded; anything else is ErrConflict (another command's job on the
// unit replaced this one, as "canceled" would say, or a container ended at
// once, which callers tell from the record). The new connection serves the
// Conn from then on.
func (c *Conn) follow(ctx context.Context, j *Job) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, lostWait)
	defer cancel()
	for {
		l, err := c.relink(ctx)
		if err != nil {
			return "", fmt.Errorf("%s unit %s: the connection to systemd was lost during the job and could not be made again: %w: %w",
				j.op, j.unit, errdefs.ErrUnavailable, err)
		}
		queued, err := jobQueued(ctx, l.bus, j.id)
		switch {
		case err != nil && lostSoon(l.lost):
			continue // lost (again): the manager was still going away
		case err != nil:
			return "", wrap(j.op, j.unit, err)
		case queued:
			if err := ctxsleep.Sleep(ctx, 20*time.Millisecond); err != nil {
				return "", wrap(j.op, j.unit, err)
			}
			continue
		}
		st, err := c.State(ctx, j.unit)
		if err != nil {
			return "", err
		}
		stopped := st.ActiveState == "inactive" || st.ActiveState == "failed" || st.LoadState == "not-found"
		switch {
		case j.op == "stop" && stopped, j.op != "stop" && st.ActiveState == "active":
			return "done", nil
		case j.op != "stop" && st.ActiveState == "failed":
			return "failed", nil
		}
		return "", fmt.Errorf("%s unit %s: systemd re-executed before the job ended, and the unit is %s: "+
			"another job took it over, or it ended at once: %w", j.op, j.unit, st.ActiveState, errdefs.ErrConflict)
	}
}

// relink is the connection in use, or a new one where it was lost: made
// once for every waiter, tried again until ctx ends while the manager is
// not back yet.
func (c *Conn) relink(ctx context.Context) (*link, error) {
	c.relinkMu.Lock()
	defer c.relinkMu.Unlock()
	cur := c.cur.Load()
	if !isClosed(cur.lost) {
		return cur, nil
	}
	if c.redial == nil {
		return nil, errors.New("no way to connect again")
	}
	for {
		l, err := c.redial(ctx)
		if err == nil {
			c.cur.Store(l)
			return l, nil
		}
		if serr := ctxsleep.Sleep(ctx, 50*time.Millisecond); serr != nil {
			return nil, errors.Join(err, serr)
		}
	}
}

// jobQueued reports whether the job of that id is in the manager's queue.
func jobQueued(ctx context.Context, bus *sdbus.Conn, id uint32) (bool, error) {
	jobs, err := bus.ListJobsContext(ctx)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(jobs, func(s sdbus.JobStatus) bool { return s.Id == id }), nil
}
