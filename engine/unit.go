package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/oci"
	"github.com/podunit/podunit/engine/systemd"
	"github.com/podunit/podunit/engine/unitstart"
)

// defaultStopTimeout is Podman's, in seconds.
const defaultStopTimeout = 10

// stopMargin is added to a container's stop timeout for its unit's
// TimeoutStopSec=. The unit's ExecStop= (UnitStop) sends SIGKILL when the
// container's own timeout runs out; systemd's bound only backs that up.
const stopMargin = 10 * time.Second

// StartUnit starts a created or exited container detached, as a transient
// systemd unit whose main process becomes the container's init. It returns
// once systemd reports the start job's result. A pod member first brings
// its pod up.
func (e *Engine) StartUnit(ctx context.Context, ref string) (*model.Container, error) {
	return e.startUnitWith(ctx, ref)
}

// startUnitWith is StartUnit with extra properties for a transient unit
// it starts (a caller's stdin, unit_attached.go).
func (e *Engine) startUnitWith(ctx context.Context, ref string, extra ...systemd.Property) (*model.Container, error) {
	c, err := e.container(ctx, ref)
	if err != nil {
		return nil, err
	}
	if c.State.Status == model.Running {
		return c, nil // Podman: starting a running container is no error
	}
	if InUnitFile(c) {
		return e.startUnitFile(ctx, c)
	}
	conn, err := e.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var p *model.Pod
	if c.Config.Pod != "" {
		// under the pod's lock, which `pod rm` holds while it takes the pod
		// down and removes it: a start that brought the pod up in between
		// left its namespaces pinned for a pod with no record
		unlock, err := e.lockPod(ctx, &model.Pod{ID: c.Config.Pod})
		if err != nil {
			return nil, err
		}
		defer unlock()
		if p, err = e.store.Pod(ctx, c.Config.Pod); err != nil {
			return nil, err
		}
		if c, err = e.store.Container(ctx, c.ID); err != nil {
			return nil, err
		}
		if c.State.Status == model.Running {
			return c, nil
		}
	}
	switch {
	case e.initialized(c):
		if p != nil {
			if err := e.podUp(ctx, conn, p); err != nil {
				return nil, err
			}
		}
		err = errors.Join(e.releaseInitialized(ctx, conn, []*model.Container{c})...)
	case p != nil:
		err = e.withPod(ctx, conn, p, func() error { return e.startUnit(ctx, conn, c, p, false, extra...) })
	default:
		err = e.startUnit(ctx, conn, c, p, false, extra...)
	}
	if err != nil {
		return nil, err
	}
	return e.startedRecord(ctx, c) // unit_removed.go
}

// startUnit starts c's transient unit (in pod p's slice, bound to its unit,
// when p is set); with initOnly the unit only creates the container.
func (e *Engine) startUnit(ctx context.Context, conn *systemd.Conn, c *model.Container, p *model.Pod, initOnly bool,
	extra ...systemd.Property) error {
	t := e.transientFor(c, p, initOnly)
	t.Properties = append(t.Properties, extra...)
	begin := time.Now().UTC()
	var err error
	plan, served := "", unitstart.NotReported
	helper, prepared := e.preparesStart(c, p, initOnly)
	switch {
	case prepared && startsDirect(t):
		served, err = e.startDirect(ctx, conn, c, t)
	case prepared:
		plan, served, err = e.startPrepared(ctx, conn, c, t, helper)
	default:
		err = e.startTransient(ctx, conn, t, c.ID)
	}
	// unit-start (the full one, or one podunit-start handed the plan to)
	// holds the lock until it has recorded how the start went, also after
	// READY=1 (startReady); what podunit-start reported is recorded already
	if served == unitstart.NotReported {
		if unlock, lerr := e.lock(ctx, c.ID); lerr == nil {
			unlock()
		}
	}
	if plan != "" && err != nil {
		e.unprepare(ctx, c, plan) // no podunit-start took the plan: the unit never ran
	}
	if err == nil {
		// what podunit-start reported running was recorded with its event
		// and health timer before the unit went ready (reportRecorder)
		if served == unitstart.ReportedRunning {
			return nil
		}
		if err := e.failedAfterReady(ctx, c); err != nil {
			return err
		}
		// the unit-start that recorded the start also wrote its event
		// (startReady, unitStartPlanned) and started the timer, unless it
		// died after READY=1: a timer that runs is left as it is
		e.startHealthTimer(ctx, conn, e.followed(ctx, c))
		return nil
	}
	after, lerr := e.store.Container(ctx, c.ID)
	if errdefs.IsNotFound(lerr) {
		return e.removedWhileStarting(ctx, c, err)
	}
	if lerr != nil {
		return err
	}
	if after.State.Status == model.Exited && after.State.Error == "" && after.State.StartedAt.After(begin) {
		// it started, and exited before systemd heard it was ready: its
		// exit is its own, recorded by the unit's cleanup, no failed start
		return nil
	}
	return startFailure(after, err, begin)
}

// unitGoneWait bounds how long a start waits for systemd to collect a
// unit of the same name that ran another container.
const unitGoneWait = 2 * time.Second

// startTransient starts t for container id. A unit of that name may still
// be loaded: this container's own, stopped (it is started as it is) or
// failed (reset, so systemd collects it), or one that ran an earlier
// container of the same name and is not collected yet. Starting that one
// would run its ExecStart= for the other container's ID, so it is waited
// for, and if something keeps it loaded, t runs under a name made of id;
// so is this container's own when t hands it a caller's stdin.
func (e *Engine) startTransient(ctx context.Context, conn *systemd.Conn, t systemd.Transient, id string) error {
	deadline := time.Now().Add(unitGoneWait)
	for {
		err := conn.StartTransient(ctx, t)
		if !errdefs.IsAlreadyExists(err) {
			return err
		}
		st, serr := conn.State(ctx, t.Name)
		if serr != nil {
			return err
		}
		argv, _ := conn.ExecStart(ctx, t.Name)
		switch {
		case st.ActiveState == "failed":
			_ = conn.ResetFailed(ctx, t.Name)
		case len(argv) > 0 && argv[len(argv)-1] == id && !t.TakesStdin():
			return startLoaded(ctx, conn, t.Name)
		case time.Now().After(deadline):
			t.Name = names.ContainerUnitOfID(id)
			return conn.StartTransient(ctx, t)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// startLoaded starts a unit of ours that is loaded already. The caller
// asked for this start: one that systemd's start rate limit refuses (the
// unit, kept loaded by other commands' jobs, was started often within its
// StartLimitIntervalSec=) is asked for once more with the limit reset, as
// `systemctl reset-failed` would; the limit is for systemd's own restarts.
func startLoaded(ctx context.Context, conn *systemd.Conn, unit string) error {
	err := conn.Start(ctx, unit)
	if systemd.IsStartLimit(err) && conn.ResetFailed(ctx, unit) == nil {
		err = conn.Start(ctx, unit)
	}
	return err
}

// startFailure prefers the reason the unit recorded over systemd's job
// result. since, where set, is when the start began: an exit recorded
// before it is an earlier run's, and the job never ran the unit (systemd's
// start limit refused it, or the manager went away as it was asked).
func startFailure(c *model.Container, jobErr error, since time.Time) error {
	if !since.IsZero() && c.State.FinishedAt.Before(since) {
		return fmt.Errorf("container %q: %w", c.Name, jobErr)
	}
	if c.State.Error == "" && c.State.Status == model.Exited && c.State.ExitCode > 128 {
		// killed before its unit was up: a stop, kill or restart came first
		return fmt.Errorf("container %q was stopped by another command while it started (exit code %d): %w: %w",
			c.Name, c.State.ExitCode, errdefs.ErrConflict, jobErr)
	}
	if c.State.Error == "" {
		return jobErr
	}
	if c.State.ExitCode == 126 || c.State.ExitCode == 127 {
		return &oci.ExecError{Code: c.State.ExitCode, Msg: c.State.Error}
	}
	return fmt.Errorf("container %q: %s", c.Name, c.State.Error)
}

// transientFor is the unit that runs container c.
func (e *Engine) transientFor(c *model.Container, p *model.Pod, initOnly bool) systemd.Transient {
	start := e.unitArgs("unit-start", c.ID)
	if initOnly {
		start = append(start[:len(start)-1], "--init", c.ID)
	}
	t := systemd.Transient{
		Name:             names.ContainerUnit(c.Name, c.ID),
		Description:      "podunit container " + c.Name,
		ExecStart:        start,
		ExecStop:         [][]string{e.unitArgs("unit-stop", c.ID)},
		ExecStopPost:     [][]string{e.unitArgs("cleanup", c.ID)},
		Type:             "notify",
		NotifyAccess:     "all",
		Delegate:         true,
		KillMode:         "mixed",
		KillSignal:       int(stopSignal(c)),
		TimeoutStopSec:   stopTimeout(c, nil) + stopMargin,
		Restart:          systemdRestart(c.Config.Restart),
		SyslogIdentifier: LogIdentifier(c),
		CollectMode:      "inactive-or-failed",
		SuccessSignals:   []int32{int32(unix.SIGKILL)},
	}
	t.Restart = healthRestart(c, t.Restart)
	t.NoStartLimit = t.Restart == "no" // only systemd's own restarts are rate limited
	if t.Restart == "on-failure" {
		t.RestartSignals = t.SuccessSignals
	}
	t.Properties = unitResources(c.Config.Resources)
	t.Properties = append(t.Properties, e.credentialProps(c)...)
	t.Properties = append(t.Properties, keeperProps(c)...)
	if p != nil {
		pod := names.PodUnit(p.Name, p.ID)
		t.BindsTo, t.After, t.Slice = []string{pod}, []string{pod}, names.PodSlice(p.Name, p.ID)
	}
	return t
}

// systemdRestart maps Podman's --restart onto systemd's Restart=.
func systemdRestart(p string) string { return model.SystemdRestart(p) }

// UnitStart runs inside the container's unit (its ExecStart): it creates and
// starts the container in a child of the unit's cgroup, tells systemd the
// container's init is the main process and returns. Its stdio, the unit's
// journal streams, become the container's.
func (e *Engine) UnitStart(ctx context.Context, ref string, initOnly bool) error {
	c, err := e.store.ContainerExact(ctx, ref)
	if err != nil {
		return err
	}
	if nonce := os.Getenv(unitstart.PlanEnv); nonce != "" && !initOnly {
		if done, err := e.unitStartPlanned(ctx, c.ID, nonce); done {
			return err
		}
	}
	unlock, err := e.lockInUnit(ctx, c.ID)
	if err != nil {
		return err
	}
	defer unlock()
	if c, err = e.store.Container(ctx, c.ID); err != nil {
		return err
	}
	if err := e.rootlessPodHere(ctx, c, true); err != nil {
		return err
	}
	ctx = withPodMemo(ctx) // memberPodUp and the prepare read the pod once
	if err := e.memberPodUp(ctx, c); err != nil {
		e.recordFailure(c.ID, err)
		return err
	}
	if err := e.followsHere(ctx, c); err != nil {
		return err
	}
	unit, err := ownUnit()
	if err != nil {
		return err
	}
	pid, err := e.createInUnit(ctx, c, unit)
	if err != nil {
		e.recordFailure(c.ID, err)
		return err
	}
	// readyFirst: systemd hears READY=1 before the init may run (startReady)
	readyFirst := !initOnly && c.Config.SdNotify != "container" && c.Config.SdNotify != "healthy"
	if _, err := e.store.UpdateContainer(ctx, c.ID, started(readyFirst, pid, unit)); err != nil {
		return err
	}
	e.releasePodNS()
	c.State.Pid, c.State.Unit = pid, unit
	switch {
	case initOnly:
		e.containerEvent(c, "init") // pod init: created, waiting for pod start
		return e.readyClosed()
	case readyFirst:
		return e.startReady(ctx, c)
	}
	if err := e.startInUnit(ctx, c); err != nil {
		return err
	}
	e.startedHere(ctx, c)
	if c.Config.SdNotify == "container" {
		return nil // the application says READY=1 itself
	}
	unlock() // no lock held while waiting for health: stop and kill may come
	return e.readyWhenHealthy(ctx, c)
}

// startReady tells systemd the unit is ready, and only then lets the
// created container (recorded Running already) run (unitstart.Release), and
// closes the store: the command that started the unit waits for the
// container's lock (startUnit), and finds a failure in the record, as it
// finds the store closed.
func (e *Engine) startReady(ctx context.Context, c *model.Container) error {
	rt, err := e.runtimeFor(c.Config.Runtime)
	if err != nil {
		e.recordFailure(c.ID, err)
		return err
	}
	if err := unitstart.Release(ctx, storeRecorder{e.store}, rt, c, e.bundleDir(c.ID), e.notifyReady); err != nil {
		_ = e.store.Close()
		return err
	}
	e.startedHere(ctx, c)
	return e.store.Close()
}

// startInUnit lets a created container run. From then on systemd may end
// this process at any moment (it kills the unit's other processes when the
// init exits before READY=1), so each outcome is recorded before the next
// step: a failure before the init is deleted.
func (e *Engine) startInUnit(ctx context.Context, c *model.Container) error {
	rt, err := e.runtimeFor(c.Config.Runtime)
	if err != nil {
		return err
	}
	if err := unitstart.Start(ctx, storeRecorder{e.store}, rt, c, e.bundleDir(c.ID)); err != nil {
		return err
	}
	_, err = e.store.UpdateContainer(ctx, c.ID, func(c *model.Container) error {
		if c.State.Status == model.Created {
			c.State.Status = model.Running
		}
		return nil
	})
	return err
}

// ownUnit is the unit this process runs in: $PODUNIT_SYSTEMD_UNIT when a
// unit file sets it, else the last element of our cgroup path.
func ownUnit() (string, error) {
	if u := os.Getenv("PODUNIT_SYSTEMD_UNIT"); u != "" {
		return u, nil
	}
	cg, err := systemd.OwnCgroup()
	if err != nil {
		return "", err
	}
	u := path.Base(cg)
	if !strings.HasSuffix(u, ".service") {
		return "", fmt.Errorf("not running in a systemd service (cgroup %s): --unit is for a unit's ExecStart=: %w",
			cg, errdefs.ErrInvalidArgument)
	}
	return u, nil
}

// RunInUnit creates a container and starts it in the unit this process runs
// in, as `podunit run --unit` in a unit file's ExecStart= does.
func (e *Engine) RunInUnit(ctx context.Context, o CreateOptions) (*model.Container, error) {
	if _, err := ownUnit(); err != nil {
		return nil, err
	}
	if _, err := socketActivation(); err != nil { // close-on-exec before anything runs
		return nil, err
	}
	c, err := e.Create(ctx, o)
	if err != nil {
		return nil, err
	}
	return c, e.UnitStart(ctx, c.ID, false)
}

// createInUnit creates the container in a child of this unit's cgroup and
// makes its init the unit's main process; it does not start it.
func (e *Engine) createInUnit(ctx context.Context, c *model.Container, unit string) (int, error) {
	own, err := systemd.OwnCgroup()
	if err != nil {
		return 0, err
	}
	act, err := socketActivation()
	if err != nil {
		return 0, err
	}
	bundle, rt, err := e.prepare(ctx, withActivation(c, act), own+"/container", credentialSecrets, unitCallerSize(c))
	if err != nil {
		return 0, err
	}
	stdio, closeStdio, err := unitstart.Stdio(c, unit)
	if err != nil {
		return 0, err
	}
	defer closeStdio()
	stdio.Extra = act.files()
	stopKeeper := func() {}
	if c.Config.Tty {
		if stopKeeper, err = e.startKeeper(c, bundle, &stdio); err != nil {
			return 0, err
		}
	}
	pid, err := rt.Create(ctx, c.ID, bundle, stdio)
	if err != nil {
		stopKeeper()
		return 0, err
	}
	if err := unitstart.HandOver(pid); err != nil {
		_ = rt.Delete(ctx, c.ID, true)
		return 0, err
	}
	return pid, nil
}

// Cleanup runs as the unit's ExecStopPost=: it records the exit status
// systemd hands over ($EXIT_CODE, $EXIT_STATUS), releases the runtime state
// and the rootfs mount, and removes an --rm container.
func (e *Engine) Cleanup(ctx context.Context, ref string, exitCode, exitStatus string) error {
	defer dropUnitCgroup() // whatever else fails: a record removed meanwhile left the cgroups too
	c, err := e.store.ContainerExact(ctx, ref)
	if err != nil {
		return err
	}
	unlock, err := e.lockInUnit(ctx, c.ID)
	if err != nil {
		return err
	}
	defer unlock()
	if c, err = e.store.Container(ctx, c.ID); err != nil {
		return err
	}
	code := unitExitCode(exitCode, exitStatus)
	c, err = e.store.UpdateContainer(ctx, c.ID, func(c *model.Container) error {
		if c.State.Status == model.Exited && c.State.Error != "" {
			return nil // UnitStart recorded why it failed; keep that
		}
		c.State.Status, c.State.Pid = model.Exited, 0
		c.State.ExitCode, c.State.FinishedAt = code, time.Now().UTC()
		return nil
	})
	if err != nil {
		return err
	}
	e.containerEvent(c, "died")
	e.stopHealthTimerWarn(ctx, c) // a restart's start makes it again
	if err := e.release(ctx, c); err != nil {
		return err
	}
	if c.Config.Remove {
		return e.removeWithVolumes(ctx, c)
	}
	return nil
}

// unitExitCode turns systemd's $EXIT_CODE/$EXIT_STATUS into a shell exit code.
func unitExitCode(exitCode, exitStatus string) int {
	switch exitCode {
	case "exited":
		if n, err := strconv.Atoi(exitStatus); err == nil {
			return n
		}
	case "killed", "dumped":
		if sig, err := ParseSignal(exitStatus); err == nil {
			return 128 + int(sig)
		}
	}
	return 0
}
