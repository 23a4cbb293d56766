package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/systemd"
)

// Stop stops a running container with its stop signal, then SIGKILL after
// timeout (nil: the container's own stop timeout). A unit-run container is
// stopped through systemd, so systemd's view and ours stay one.
func (e *Engine) Stop(ctx context.Context, ref string, timeout *uint) (*model.Container, error) {
	c, err := e.container(ctx, ref)
	if err != nil {
		return c, err
	}
	switch {
	case e.initialized(c): // by `pod init`: its unit holds the waiting init
		return e.stopUnit(ctx, c, timeout)
	case c.State.Status == model.Created:
		// a direct start's init a killed command left waiting in its unit
		now, asked := e.stopUnstarted(ctx, c)
		switch {
		case asked:
			return e.Refresh(ctx, c.ID)
		case now != nil && now.State.Status != model.Created:
			return e.Stop(ctx, c.ID, timeout) // started since c was read: stop that
		}
		return c, nil
	case c.State.Status != model.Running:
		return c, nil
	}
	if err := e.thawForStop(ctx, c); err != nil {
		return nil, err
	}
	if c.State.Unit != "" && systemd.Available() {
		return e.stopUnit(ctx, c, timeout)
	}
	return e.stopAttached(ctx, c, timeout)
}

// container finds a container and brings its status up to date, after
// another command's direct start of it under way: a verb meets the
// container as that start leaves it, as it would at the lock.
func (e *Engine) container(ctx context.Context, ref string) (*model.Container, error) {
	c, err := e.store.Container(ctx, ref)
	if err != nil {
		return nil, err
	}
	if err := e.afterStart(ctx, c.ID); err != nil {
		return nil, err
	}
	c, err = e.Refresh(ctx, c.ID)
	if errdefs.IsNotFound(err) {
		return nil, fmt.Errorf("container %q was removed by another command: %w", ref, errdefs.ErrNotFound)
	}
	return c, err
}

func (e *Engine) stopUnit(ctx context.Context, c *model.Container, timeout *uint) (*model.Container, error) {
	conn, err := e.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	// systemd 252 cannot change a loaded unit's TimeoutStopSec=, so a shorter
	// -t is ours to enforce: the stop job sends the stop signal, and when the
	// time is up SIGKILL finishes it; the job then runs ExecStopPost= as usual.
	done := make(chan error, 1)
	go func() { done <- conn.Stop(ctx, c.State.Unit) }()
	if timeout != nil {
		select {
		case err = <-done:
		case <-time.After(time.Duration(*timeout) * time.Second):
			// the main process only: the unit's ExecStop= (UnitStop) must
			// end cleanly for the stop to count as one
			_ = conn.Kill(ctx, c.State.Unit, "main", unix.SIGKILL)
			err = <-done
		}
	} else {
		err = <-done
	}
	if err != nil && !errdefs.IsNotFound(err) {
		return nil, err
	}
	after, err := e.Refresh(ctx, c.ID)
	if errdefs.IsNotFound(err) && c.Config.Remove {
		return c, nil // its unit's cleanup removed it, as --rm asks
	}
	return after, err
}

// stopAttached stops a container run in the foreground by another podunit
// process; that process records the exit. If it is gone too, we finish.
func (e *Engine) stopAttached(ctx context.Context, c *model.Container, timeout *uint) (*model.Container, error) {
	signalThenKill(c.State.Pid, stopSignal(c), stopTimeout(c, timeout))
	return e.waitRecorded(ctx, c.ID, 3*time.Second)
}

// UnitStop runs as a container unit's ExecStop=: it sends the container's
// stop signal to the unit's main process (the container's init, $MAINPID)
// and SIGKILL when the stop timeout runs out. The unit lists SIGKILL in
// SuccessExitStatus=, so a stop that had to kill ends the unit inactive, not
// failed, as a stop in Podman is a normal stop however it ends.
func (e *Engine) UnitStop(ctx context.Context, ref string, mainPID int) error {
	if mainPID <= 0 {
		return nil // nothing runs
	}
	c, err := e.store.ContainerExact(ctx, ref)
	if err != nil {
		// no record: still stop what runs, with Podman's defaults
		c = &model.Container{}
	}
	signalThenKill(mainPID, stopSignal(c), stopTimeout(c, nil))
	return nil
}

// signalThenKill sends sig to pid and SIGKILL once wait has passed. Through
// a pidfd, the signals cannot reach a process that took a reused pid, and
// the exit ends the wait the moment it happens (polling the pid ended a
// stop up to a poll interval after the container had exited). pidfds
// (Linux 5.3) are required, as the rootless join requires them; a pid that
// names no process (gone, or 0 and below) has nothing to stop.
func signalThenKill(pid int, sig unix.Signal, wait time.Duration) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return
	}
	defer unix.Close(fd)
	_ = unix.PidfdSendSignal(fd, sig, nil, 0)
	if !pidfdExited(fd, wait) {
		_ = unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)
		pidfdExited(fd, 5*time.Second)
	}
}

// pidfdExited waits until the process of pidfd fd exits (a zombie counts)
// or limit passes, and reports whether it exited.
func pidfdExited(fd int, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for {
		ms := int((time.Until(deadline) + time.Millisecond - 1) / time.Millisecond) // rounded up
		n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, max(ms, 0))
		switch {
		case n > 0:
			return true
		case err != nil && err != unix.EINTR, !time.Now().Before(deadline):
			return false
		}
	}
}

// stopSignal is the signal that asks c to stop: its own, else SIGTERM.
func stopSignal(c *model.Container) unix.Signal {
	sig, err := ParseSignal(c.Config.StopSignal)
	if err != nil || c.Config.StopSignal == "" {
		return unix.SIGTERM
	}
	return sig
}

// stopTimeout is how long a stop waits before SIGKILL: override if set,
// else the container's own (--stop-timeout, 0 included).
func stopTimeout(c *model.Container, override *uint) time.Duration {
	if override != nil {
		return time.Duration(*override) * time.Second
	}
	// create's --stop-timeout defaults to defaultStopTimeout, so a 0 here
	// was asked for (--stop-timeout 0, terminationGracePeriodSeconds: 0):
	// kill at once, as Podman does
	return time.Duration(c.Config.StopTimeout) * time.Second
}

// waitRecorded gives the owning process time to record the exit, and
// records it itself when nobody does.
func (e *Engine) waitRecorded(ctx context.Context, id string, limit time.Duration) (*model.Container, error) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		c, err := e.store.Container(ctx, id)
		if err != nil || c.State.Status != model.Running {
			return c, err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return e.Refresh(ctx, id)
}

// Kill sends sig to a running container's init (through systemd for a unit).
func (e *Engine) Kill(ctx context.Context, ref string, sig unix.Signal) (*model.Container, error) {
	c, err := e.container(ctx, ref)
	if err != nil {
		return nil, err
	}
	if c.State.Status != model.Running {
		return nil, fmt.Errorf("can only kill running containers: container %q is %s: %w", c.Name, c.State.Status, errdefs.ErrConflict)
	}
	if c.State.Unit != "" && systemd.Available() {
		conn, err := e.connect(ctx)
		if err != nil {
			return nil, err
		}
		defer conn.Close()
		return c, conn.Kill(ctx, c.State.Unit, "main", sig)
	}
	if err := unix.Kill(c.State.Pid, sig); err != nil {
		return nil, fmt.Errorf("killing container %q: %w", c.Name, err)
	}
	return c, nil
}

// Restart stops a container if it runs and starts it again, detached. A
// container of a unit file is restarted through its unit, whose ExecStart=
// may make a new container of the same name (run --rm --replace).
func (e *Engine) Restart(ctx context.Context, ref string, timeout *uint) (*model.Container, error) {
	c, err := e.Stop(ctx, ref, timeout)
	if err != nil {
		return nil, err
	}
	if InUnitFile(c) {
		return e.startUnitFile(ctx, c)
	}
	return e.StartUnit(ctx, c.ID)
}

// InUnitFile reports whether c runs, or last ran, in a unit file's unit
// (generated or written by hand) rather than in its own transient unit.
//
// podunit's transient units are all podunit-*.service: podunit-NAME, the
// podunit-ID of a reused name, and the podunit-OLDNAME a renamed running
// container keeps until it stops. Any other unit comes from a unit file.
func InUnitFile(c *model.Container) bool {
	return c.State.Unit != "" && !strings.HasPrefix(c.State.Unit, names.TransientPrefix)
}

// startUnitFile starts the unit of a unit-file container and returns the
// container that unit runs, found by name.
func (e *Engine) startUnitFile(ctx context.Context, c *model.Container) (*model.Container, error) {
	conn, err := e.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := conn.Start(ctx, c.State.Unit); err != nil {
		return nil, fmt.Errorf("container %q: %w", c.Name, err)
	}
	return e.container(ctx, c.Name)
}

// RemoveOptions are rm's flags.
type RemoveOptions struct {
	Force   bool  // stop a running container first
	Timeout *uint // stop timeout for Force
	Volumes bool  // -v: also remove the container's anonymous volumes
}

// removeAttempts bounds how often Remove stops a container that a unit
// still starting (a run -d killed half way, say) starts again under it.
const removeAttempts = 5

// Remove deletes a container: its unit, runtime state, rootfs and record.
// A running one needs Force. The record moves to "removing" first, so a
// crash half way leaves something a second rm finishes.
func (e *Engine) Remove(ctx context.Context, ref string, o RemoveOptions) error {
	c, err := e.container(ctx, ref)
	if d, ok := asDamaged(err); ok {
		return e.removeDamaged(ctx, d, o.Force)
	}
	if err != nil {
		return err
	}
	for range removeAttempts {
		if c.State.Status == model.Created {
			if now, _ := e.stopUnstarted(ctx, c); now != nil {
				c = now // started since it was read, maybe
			}
		}
		if c.State.Status == model.Running || c.State.Status == model.Stopping {
			if !o.Force {
				return fmt.Errorf("cannot remove container %q as it is running: stop it first or use -f: %w", c.Name, errdefs.ErrConflict)
			}
			if _, err := e.Stop(ctx, c.ID, o.Timeout); errdefs.IsNotFound(err) && c.Config.Remove {
				return nil // its own --rm removed it as it stopped
			} else if errdefs.IsNotFound(err) {
				return fmt.Errorf("container %q was removed by another command: %w", ref, errdefs.ErrNotFound)
			} else if err != nil {
				return err
			}
		}
		again, err := e.removeStopped(ctx, c)
		if again == nil && err == nil && o.Volumes {
			return e.removeAnonymous(ctx, c)
		}
		if again == nil || err != nil {
			return err
		}
		c = again
	}
	return fmt.Errorf("container %q was started again while being removed: %w", c.Name, errdefs.ErrConflict)
}

// removeStopped removes c under its lock unless it was started again
// meanwhile (a unit, or a direct start the lock waited for); then it
// returns the record for another round. A --rm
// container that its unit, or its attached run, removed on stopping is
// removed already: no error.
func (e *Engine) removeStopped(ctx context.Context, c *model.Container) (*model.Container, error) {
	unlock, err := e.lock(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	now, err := e.store.Container(ctx, c.ID)
	switch {
	case errdefs.IsNotFound(err) && c.Config.Remove && (c.State.Unit != "" || c.State.Status == model.Running):
		return nil, nil
	case errdefs.IsNotFound(err):
		return nil, fmt.Errorf("container %q was removed by another command: %w", c.Name, errdefs.ErrNotFound)
	case err != nil:
		return nil, err
	case now.State.Status == model.Running:
		return now, nil
	}
	return nil, e.removeLocked(ctx, now)
}

// removeLocked removes c, its lock file last; the caller holds c's lock.
func (e *Engine) removeLocked(ctx context.Context, c *model.Container) error {
	if _, err := e.store.UpdateContainer(ctx, c.ID, func(c *model.Container) error {
		return c.State.Transition(model.Removing)
	}); err != nil {
		return fmt.Errorf("removing container %q: %w", c.Name, err)
	}
	if err := e.releaseFor(ctx, c, true); err != nil {
		return err
	}
	e.stopHealthTimerWarn(ctx, c)
	if err := e.deleteRootfs(c.ID); err != nil {
		return err
	}
	if err := e.store.RemoveContainer(ctx, c.ID); err != nil && !errdefs.IsNotFound(err) {
		return err
	}
	e.containerEvent(c, "remove")
	return e.locks.Remove(c.ID) // last, while held: see locks.Dir.Remove
}

// RemoveStorage removes a storage container that no podunit record holds:
// one another tool made, or one a lost record left (`rm --storage`). A
// container of podunit's is removed with Remove.
func (e *Engine) RemoveStorage(ctx context.Context, ref string) error {
	id, err := e.images.StorageContainerID(ref)
	if err != nil {
		return err
	}
	if c, err := e.store.Container(ctx, id); err == nil {
		return fmt.Errorf("container %q is podunit's: remove it without --storage: %w", c.Name, errdefs.ErrConflict)
	}
	return e.images.DeleteRootfs(id)
}
