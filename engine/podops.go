package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/systemd"
	"github.com/podunit/podunit/engine/unitstart"
)

// memberError names the member an operation failed for.
func memberError(c *model.Container, err error) error {
	return fmt.Errorf("container %q: %w", c.Name, err)
}

// podOp runs fn on a pod under its lock, with its members in start order.
// fn's failures for single members are joined, each naming its member;
// every member still gets its turn.
func (e *Engine) podOp(ctx context.Context, ref string, fn func(p *model.Pod, members []*model.Container) error) error {
	p, err := e.store.Pod(ctx, ref)
	if err != nil {
		return err
	}
	unlock, err := e.lockPod(ctx, p)
	if err != nil {
		return err
	}
	defer unlock()
	if p, err = e.store.Pod(ctx, p.ID); err != nil {
		return err
	}
	members, err := e.PodContainers(ctx, p)
	if err != nil {
		return err
	}
	return fn(p, members)
}

// PodInit creates every member's runtime state without starting it: each
// member's unit starts holding its created container (MAINPID is the
// runtime's init, waiting to exec the command), so `pod start` only has to
// let them go.
func (e *Engine) PodInit(ctx context.Context, ref string) error {
	e.ConnectSoon(ctx, true)
	return e.podOp(ctx, ref, func(p *model.Pod, members []*model.Container) error {
		conn, err := e.connect(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		var todo []*model.Container
		_, members = splitInits(members) // they run when the pod starts
		for _, c := range members {
			if c.State.Status != model.Running && !e.initialized(c) {
				todo = append(todo, c)
			}
		}
		var errs []error
		if err := e.withPod(ctx, conn, p, func() error {
			errs = e.startMembers(ctx, conn, p, todo, true)
			return nil
		}); err != nil {
			return err
		}
		return errors.Join(errs...)
	})
}

// initialized reports whether c's runtime container is created and waiting.
func (e *Engine) initialized(c *model.Container) bool {
	return c.State.Status == model.Created && c.State.Pid != 0 && alive(c.State.Pid)
}

// PodStart starts the pod's unit (pinning its namespaces), runs its init
// containers one after another (runPodInits), and then starts the other
// members all at once: created or stopped ones start, running ones are left
// alone. A member that fails is named; the others still start.
func (e *Engine) PodStart(ctx context.Context, ref string) error {
	e.ConnectSoon(ctx, true) // its round trips overlap the pod's reads and lock
	// the pod's record as the pod came up, which each member's prepare
	// reads; the pod's lock is held until they are started
	ctx = withPodMemo(ctx)
	return e.podOp(ctx, ref, func(p *model.Pod, members []*model.Container) error {
		conn, err := e.connect(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		var initialized []*model.Container
		var errs []error
		if err := e.withPod(ctx, conn, p, func() error {
			if members, err = e.runPodInits(ctx, conn, p, members); err != nil {
				return err
			}
			var todo []*model.Container
			for _, c := range members {
				switch {
				case c.State.Status == model.Running:
				case e.initialized(c):
					initialized = append(initialized, c)
				default:
					todo = append(todo, c)
				}
			}
			errs = e.startMembers(ctx, conn, p, todo, false)
			return nil
		}); err != nil {
			return err
		}
		waiting := e.releaseInitialized(ctx, conn, initialized)
		e.podEvent(p, "start")
		return errors.Join(append(errs, waiting...)...)
	})
}

// startMembers starts the units of members all at once and returns the
// failures in member order. Each start waits for its unit's READY=1 (the
// container created, or running): one after another, a pod of n paid n
// container starts end to end; the members share nothing they need from
// each other at start (the pod's unit holds the namespaces).
func (e *Engine) startMembers(ctx context.Context, conn *systemd.Conn, p *model.Pod, members []*model.Container, initOnly bool) []error {
	errs := make([]error, len(members))
	var wg sync.WaitGroup
	for i, c := range members {
		wg.Go(func() {
			if err := e.startUnit(ctx, conn, c, p, initOnly); err != nil {
				errs[i] = memberError(c, err)
			}
		})
	}
	wg.Wait()
	return errs
}

// releaseInitialized starts the user process of members that `pod init`
// created (or a direct start whose command was killed: unit_direct.go),
// records them running in one transaction, and then sends their `start`
// events and starts their health checks' timers.
func (e *Engine) releaseInitialized(ctx context.Context, conn *systemd.Conn, members []*model.Container) []error {
	var errs []error
	var started []string
	for _, c := range members {
		rt, err := e.runtimeFor(c.Config.Runtime)
		if err == nil {
			err = unitstart.Raced(c, rt.StartExec(ctx, c.ID, e.bundleDir(c.ID)))
		}
		if err != nil {
			errs = append(errs, memberError(c, err))
			continue
		}
		started = append(started, c.ID)
	}
	if len(started) > 0 {
		if _, err := e.store.UpdateContainers(ctx, started, func(c *model.Container) error {
			c.State.Status = model.Running
			return nil
		}); err != nil {
			return append(errs, err)
		}
	}
	for _, c := range members {
		if slices.Contains(started, c.ID) {
			e.containerEvent(c, "start")
			e.startHealthTimer(ctx, conn, e.followed(ctx, c))
		}
	}
	return errs
}

// PodStop stops every running member (all at once, each with its own stop
// timeout, or timeout), then the pod's unit, which tears down the shared
// namespaces.
func (e *Engine) PodStop(ctx context.Context, ref string, timeout *uint) error {
	return e.podOp(ctx, ref, func(p *model.Pod, members []*model.Container) error {
		errs := e.stopMembers(ctx, members, timeout)
		if err := e.podDown(ctx, p); err != nil {
			errs = append(errs, err)
		}
		e.podEvent(p, "stop")
		return errors.Join(errs...)
	})
}

// stopMembers stops the running or initialized members concurrently: each
// may take its whole stop timeout, and they do not wait for each other.
func (e *Engine) stopMembers(ctx context.Context, members []*model.Container, timeout *uint) []error {
	errs := make([]error, len(members))
	var wg sync.WaitGroup
	for i, c := range slices.Backward(members) {
		if c.State.Status != model.Running && !e.initialized(c) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.Stop(ctx, c.ID, timeout); err != nil {
				errs[i] = memberError(c, err)
			}
		}()
	}
	wg.Wait()
	return slices.DeleteFunc(errs, func(err error) bool { return err == nil })
}

// podDown stops the pod's unit, or, without systemd, unpins its namespaces.
func (e *Engine) podDown(ctx context.Context, p *model.Pod) error {
	if !systemd.Available() {
		return e.PodUnitStop(ctx, p.ID, false)
	}
	unit := p.State.Unit // a unit file's (pod-NAME.service, NAME-pod.service) or ours
	if unit == "" {
		unit = names.PodUnit(p.Name, p.ID)
	}
	if unit == os.Getenv("PODUNIT_SYSTEMD_UNIT") {
		// We run inside that unit (pod create --unit --replace, its ExecStart=):
		// asking systemd to stop it would wait on ourselves.
		return e.PodUnitStop(ctx, p.ID, false)
	}
	conn, err := e.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	err = conn.Stop(ctx, unit)
	if errdefs.IsNotFound(err) {
		return e.PodUnitStop(ctx, p.ID, false) // never started, or a crash: finish here
	}
	return err
}

// PodKill sends sig to every running member.
func (e *Engine) PodKill(ctx context.Context, ref string, sig unix.Signal) error {
	return e.podOp(ctx, ref, func(p *model.Pod, members []*model.Container) error {
		var errs []error
		for _, c := range members {
			if c.State.Status != model.Running {
				continue
			}
			if _, err := e.Kill(ctx, c.ID, sig); err != nil {
				errs = append(errs, memberError(c, err))
			}
		}
		return errors.Join(errs...)
	})
}

// PodRestart stops the pod and starts it again.
func (e *Engine) PodRestart(ctx context.Context, ref string, timeout *uint) error {
	if err := e.PodStop(ctx, ref, timeout); err != nil {
		return err
	}
	return e.PodStart(ctx, ref)
}

// PodRemove removes a pod and its members. A pod with running members
// needs force, which stops them first.
func (e *Engine) PodRemove(ctx context.Context, ref string, force bool, timeout *uint) error {
	return e.podOp(ctx, ref, func(p *model.Pod, members []*model.Container) error {
		for _, c := range members {
			if (c.State.Status == model.Running || e.initialized(c)) && !force {
				return fmt.Errorf("pod %q has running containers (%s): stop it first or use -f: %w", p.Name, c.Name, errdefs.ErrConflict)
			}
		}
		if errs := e.stopMembers(ctx, members, timeout); len(errs) > 0 {
			return errors.Join(errs...)
		}
		if err := e.podDown(ctx, p); err != nil {
			return err
		}
		if err := e.sliceDown(ctx, p); err != nil {
			return err
		}
		if err := e.removePodRecords(ctx, p); err != nil {
			return err
		}
		e.podEvent(p, "remove")
		if err := e.locks.RemoveIdle(podPinLock(p)); err != nil && !errdefs.IsConflict(err) {
			return err
		}
		return e.locks.Remove("pod-" + p.ID) // podOp holds it
	})
}

// removePodRecords removes the (stopped) members and then the pod record.
func (e *Engine) removePodRecords(ctx context.Context, p *model.Pod) error {
	members, err := e.store.PodContainers(ctx, p.ID)
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range members {
		if err := e.Remove(ctx, c.ID, RemoveOptions{Force: true}); err != nil && !errdefs.IsNotFound(err) {
			errs = append(errs, memberError(c, err))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if err := e.removePodUserNS(p); err != nil { // podident.go
		return err
	}
	if err := e.store.RemovePod(ctx, p.ID); err != nil && !errdefs.IsNotFound(err) {
		return err
	}
	return nil
}
