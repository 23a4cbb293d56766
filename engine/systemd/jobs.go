package systemd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	sdbus "github.com/coreos/go-systemd/v22/dbus"

	"github.com/podunit/podunit/engine/errdefs"
)

// jobFunc enqueues one systemd job and reports its result on ch.
type jobFunc func(ctx context.Context, ch chan<- string) (int, error)

// ErrStartLimit is a start that systemd refused because the unit was
// started more often than its start rate limit allows: more than
// StartLimitBurst= times within StartLimitIntervalSec=. ResetFailed lifts it.
var ErrStartLimit = errors.New("start request repeated too quickly: systemd's start rate limit " +
	"(StartLimitBurst= within StartLimitIntervalSec=) refused it; systemctl reset-failed lifts it")

// IsStartLimit reports whether err is a start refused by the unit's start
// rate limit.
func IsStartLimit(err error) bool { return errors.Is(err, ErrStartLimit) }

// runJob enqueues a job and waits for its result. A result other than
// "done" is an error naming the unit and the result.
func (c *Conn) runJob(ctx context.Context, op, unit string, enqueue jobFunc) error {
	j, err := c.queueJob(ctx, op, unit, enqueue)
	if err != nil {
		return err
	}
	return j.Wait(ctx)
}

// Job is a systemd job that is enqueued and perhaps not finished: jobs
// asked for after it, of units ordered after its unit, wait for it in
// systemd's queue, not in the caller.
type Job struct {
	op, unit string
	id       uint32          // systemd's job id
	ch       chan string     // nil: finished before it was handed out
	lost     <-chan struct{} // closed once the connection it was asked on is gone
	conn     *Conn           // asked why a failed start failed; follows a lost job
	waited   bool
	err      error
}

// Done is a Job that has finished well: the caller did the work itself.
func Done() *Job { return &Job{waited: true} }

// queueJob enqueues a job over the connection in use.
func (c *Conn) queueJob(ctx context.Context, op, unit string, enqueue jobFunc) (*Job, error) {
	return c.queueJobOn(ctx, c.cur.Load(), op, unit, enqueue)
}

// queueJobOn enqueues a job over l, whose signals report its end.
func (c *Conn) queueJobOn(ctx context.Context, l *link, op, unit string, enqueue jobFunc) (*Job, error) {
	// Buffered: go-systemd's dispatcher must never block on us, even after
	// we gave up waiting.
	ch := make(chan string, 1)
	id, err := enqueue(ctx, ch)
	if err != nil {
		return nil, wrap(op, unit, err)
	}
	return &Job{op: op, unit: unit, id: uint32(id), ch: ch, lost: l.lost, conn: c}, nil
}

// Wait waits for the job's result; a result other than "done" is an error
// naming the unit and the result. A job is waited for once: later calls
// return the same error.
func (j *Job) Wait(ctx context.Context) error {
	if j.waited {
		return j.err
	}
	var result string
	select {
	case result = <-j.ch:
	case <-j.lost:
		select {
		case result = <-j.ch: // it came before the end
		default:
			var err error
			if result, err = j.conn.follow(ctx, j); err != nil {
				j.waited, j.err = true, err
				return err
			}
		}
	case <-ctx.Done():
		return wrap(j.op, j.unit, ctx.Err())
	}
	j.waited, j.err = true, jobResult(j.op, j.unit, result)
	if result == "failed" && j.startLimitHit(ctx) {
		j.err = fmt.Errorf("%s unit %s: job failed: %w", j.op, j.unit, ErrStartLimit)
	}
	return j.err
}

// startLimitHit reports whether the failed job's unit, a service, records
// that its start rate limit refused the start (Result=start-limit-hit).
// systemd reports such a start as a job "failed" like any other.
func (j *Job) startLimitHit(ctx context.Context) bool {
	if j.conn == nil || !strings.HasSuffix(j.unit, ".service") {
		return false
	}
	st, err := j.conn.State(ctx, j.unit)
	return err == nil && st.Result == "start-limit-hit"
}

// jobResult turns a job result into an error unless it is "done".
func jobResult(op, unit, result string) error {
	switch result {
	case "done":
		return nil
	case "canceled", "dependency":
		return fmt.Errorf("%s unit %s: job %s: %w", op, unit, result, errdefs.ErrConflict)
	case "timeout":
		return fmt.Errorf("%s unit %s: job %s: %w", op, unit, result, errdefs.ErrUnavailable)
	default: // failed, skipped, invalid, assert, unsupported, once, frozen
		return fmt.Errorf("%s unit %s: job %s", op, unit, result)
	}
}

// Start starts a unit and waits until its start job finishes.
func (c *Conn) Start(ctx context.Context, unit string) error {
	return c.namedJob(ctx, "start", unit, func(ctx context.Context, bus *sdbus.Conn, ch chan<- string) (int, error) {
		return bus.StartUnitContext(ctx, unit, "replace", ch)
	})
}

// Stop stops a unit and waits until its stop job finishes. A unit that is
// not loaded is errdefs.ErrNotFound.
func (c *Conn) Stop(ctx context.Context, unit string) error {
	return c.namedJob(ctx, "stop", unit, func(ctx context.Context, bus *sdbus.Conn, ch chan<- string) (int, error) {
		return bus.StopUnitContext(ctx, unit, "replace", ch)
	})
}

// Restart restarts a unit (starting it if inactive) and waits for the job.
func (c *Conn) Restart(ctx context.Context, unit string) error {
	return c.namedJob(ctx, "restart", unit, func(ctx context.Context, bus *sdbus.Conn, ch chan<- string) (int, error) {
		return bus.RestartUnitContext(ctx, unit, "replace", ch)
	})
}

// namedJob enqueues a job on a unit by its name and waits for it. Such a
// call may be made twice: where the manager dropped it unanswered as it
// re-executed, it is made once more over a new connection (a job the first
// call did queue takes the second in, as a job of the same kind does).
func (c *Conn) namedJob(ctx context.Context, op, unit string, enqueue func(context.Context, *sdbus.Conn, chan<- string) (int, error)) error {
	l := c.cur.Load()
	on := func(l *link) (*Job, error) {
		return c.queueJobOn(ctx, l, op, unit, func(ctx context.Context, ch chan<- string) (int, error) { return enqueue(ctx, l.bus, ch) })
	}
	j, err := on(l)
	if errdefs.IsUnavailable(err) && lostSoon(l.lost) {
		rctx, cancel := context.WithTimeout(ctx, lostWait)
		l, rerr := c.relink(rctx)
		cancel()
		if rerr == nil {
			j, err = on(l)
		}
	}
	if err != nil {
		return err
	}
	return j.Wait(ctx)
}

// lostSoon reports whether a connection's end comes within a second: a
// manager that goes away answers the calls under way "no reply" first.
func lostSoon(lost <-chan struct{}) bool {
	if lost == nil {
		return false
	}
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case <-lost:
		return true
	case <-t.C:
		return false
	}
}

// Kill sends sig to the unit's main process (who "main") or to all of its
// processes (who "all"). It does not wait for them to exit.
func (c *Conn) Kill(ctx context.Context, unit, who string, sig syscall.Signal) error {
	if who != "main" && who != "all" {
		return fmt.Errorf("kill unit %s: who %q is not main or all: %w", unit, who, errdefs.ErrInvalidArgument)
	}
	return wrap("kill", unit, c.bus().KillUnitWithTarget(ctx, unit, sdbus.Who(who), int32(sig)))
}

// ResetFailed resets the unit's failed state and its restart counters, so a
// failed transient unit can be collected and its name reused.
func (c *Conn) ResetFailed(ctx context.Context, unit string) error {
	return wrap("reset-failed", unit, c.bus().ResetFailedUnitContext(ctx, unit))
}
