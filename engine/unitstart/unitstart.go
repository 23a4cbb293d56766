// Package unitstart is the end of a container unit's start, the part that
// runs inside the unit once the OCI bundle exists: the runtime's create with
// the unit's journal streams as stdio, the init handed to systemd as the
// unit's main process, the record, READY=1 and the release of the init.
//
// `container unit-start` (engine.UnitStart) makes the bundle in the unit and
// then takes these steps. podunit-start (cmd/podunit-start) takes them alone,
// on a bundle that the command starting the unit made before (a Plan): a
// 5 MB program that links neither containers/storage nor the command line,
// containers.conf or SQLite, for a process's fixed costs (Go's start on a
// 25 MB binary, package inits, the exit) were half of unit-start's CPU in a
// pod's start. The record it reports to that command, which writes it
// (report.go); without that command it hands the plan to the full
// unit-start (PlanEnv). Without a plan of its own, podunit-start executes
// the full unit-start: a start that systemd makes itself (Restart=,
// `systemctl start`) makes its bundle in the unit, as before.
package unitstart

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/oci"
	"github.com/podunit/podunit/engine/systemd"
	"github.com/podunit/podunit/internal/procstat"
)

// HandOver makes the container's init the unit's main process while it
// waits for start and cannot exit yet: systemd then is its parent and gets
// its exit status however soon it exits, and hands it to ExecStopPost=.
// The barrier makes sure systemd took MAINPID before the init may run.
func HandOver(pid int) error {
	sent, err := systemd.Notify("MAINPID=" + strconv.Itoa(pid))
	if err != nil || !sent {
		return err
	}
	_, err = systemd.Barrier()
	return err
}

// Raced names a start that lost a race: the init that waited for start is
// gone, or no longer waits (oci.ErrNotWaiting), so a stop or kill reached it
// first. The runtime's own complaint is no cause to show.
func Raced(c *model.Container, err error) error {
	if err == nil {
		return nil
	}
	if pid := c.State.Pid; pid > 0 && !Alive(pid) || errors.Is(err, oci.ErrNotWaiting) {
		return fmt.Errorf("container %q was stopped by another command while it started: %w", c.Name, errdefs.ErrConflict)
	}
	return err
}

// Alive reports whether pid is a live process (not a zombie).
func Alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if err := unix.Kill(pid, 0); err != nil && err != unix.EPERM {
		return false
	}
	st, err := procstat.Read(pid)
	return err == nil && st.Live()
}

// Release tells systemd the unit is ready (notify) and only then lets the
// created container c, recorded running already, run. An init that exits at
// once (`true`, a failing entrypoint) so ends a unit that was active, as
// under Podman's conmon, not one that never became ready: systemd takes that
// for a failed start (Result=protocol) and Restart=on-failure would run a
// container again that exited 0. The datagram is queued before the init may
// exit, and systemd reads notifications before exits. A start that fails now
// is recorded before the caller lets go of the container's lock: the command
// that started the unit waits for that lock, and finds the failure in the
// record.
func Release(ctx context.Context, rec Recorder, rt *oci.Runtime, c *model.Container, bundle string, notify func() error) error {
	if err := notify(); err != nil {
		_ = rt.Delete(ctx, c.ID, true)
		rec.Failed(c.ID, err)
		return err
	}
	return Start(ctx, rec, rt, c, bundle)
}

// Start lets the created container c run; a start that fails is recorded
// (Raced names a lost race) and the runtime's container deleted.
func Start(ctx context.Context, rec Recorder, rt *oci.Runtime, c *model.Container, bundle string) error {
	if err := rt.StartExec(ctx, c.ID, bundle); err != nil {
		err = Raced(c, err)
		rec.Failed(c.ID, err)
		_ = rt.Delete(ctx, c.ID, true)
		return err
	}
	return nil
}

// NotifyReady sends READY=1.
func NotifyReady() error {
	_, err := systemd.Notify("READY=1")
	return err
}
