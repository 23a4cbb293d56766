package engine

import (
	"context"
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/network"
	"github.com/podunit/podunit/engine/state"
)

// asDamaged reports whether err is a damaged record's, and which.
func asDamaged(err error) (*state.DamagedError, bool) {
	var d *state.DamagedError
	return d, errors.As(err, &d) && d.Kind == "container"
}

// removeDamaged removes a container whose record cannot be read: with its
// configuration lost, it kills the unit its name gives, deletes runtime
// state of every runtime, the pinned network namespace, the rootfs and the
// bundle, and then the record. Only with force: what ran is unknown.
func (e *Engine) removeDamaged(ctx context.Context, d *state.DamagedError, force bool) error {
	if !force {
		return fmt.Errorf("%w: remove it with rm -f or system check --repair --force", d)
	}
	err := e.releaseUnknown(ctx, d.ID, d.Name, func() error {
		if err := e.store.RemoveContainer(ctx, d.ID); err != nil && !errdefs.IsNotFound(err) {
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("removing damaged container %s: %w", names.ShortID(d.ID), err)
	}
	return nil
}

// releaseUnknown frees what a container of unknown configuration may
// hold: its unit (by name), runtime state, netns pin, rootfs and bundle;
// then, if all went well, it runs last (nil: nothing) and removes the lock
// file. It stops the unit before it takes the lock, which the unit's
// ExecStopPost= may want.
func (e *Engine) releaseUnknown(ctx context.Context, id, name string, last func() error) error {
	var errs []error
	if name != "" && e.unitsHere() {
		errs = append(errs, e.stopUnitHard(ctx, names.ContainerUnit(name, id)))
	}
	unlock, err := e.lock(ctx, id)
	if err != nil {
		return err
	}
	defer unlock()
	for _, rt := range []string{"crun", "runc"} {
		if r, err := e.runtimeFor(rt); err == nil {
			errs = append(errs, r.Delete(ctx, id, true))
		}
	}
	errs = append(errs, network.Unpin(e.netnsDir(id)), e.deleteRootfs(id),
		os.RemoveAll(e.bundleDir(id)))
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if last != nil {
		if err := last(); err != nil {
			return err
		}
	}
	return e.locks.Remove(id)
}

// stopUnitHard kills every process of unit and waits for its stop job;
// a unit that is not loaded is no error.
func (e *Engine) stopUnitHard(ctx context.Context, unit string) error {
	conn, err := e.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	st, err := conn.State(ctx, unit)
	if err != nil || st.LoadState == "not-found" {
		return err
	}
	_ = conn.Kill(ctx, unit, "all", unix.SIGKILL)
	if err := conn.Stop(ctx, unit); err != nil && !errdefs.IsNotFound(err) {
		return err
	}
	_ = conn.ResetFailed(ctx, unit)
	return nil
}

// deleteRootfs deletes a container's storage container; on a full disk,
// where containers/storage cannot rewrite its list, it frees the state
// store's reserve and tries again, so that a removal always goes through.
func (e *Engine) deleteRootfs(id string) error {
	err := e.images.DeleteRootfs(id)
	if state.IsDiskFull(err) && e.store.ReleaseReserve() {
		err = e.images.DeleteRootfs(id)
	}
	return err
}
