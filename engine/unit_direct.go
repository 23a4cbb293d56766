package engine

import (
	"context"
	"os"
	"path/filepath"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/oci"
	"github.com/podunit/podunit/engine/systemd"
	"github.com/podunit/podunit/engine/unitstart"
	"github.com/podunit/podunit/internal/pidfile"
)

// A direct start: of the starts this command prepares (unit_prepared.go),
// those whose unit systemd does not start again on its own (no Restart=)
// and that take no caller's stdin run no process of podunit's in the unit.
// The command makes the bundle first, and the unit's ExecStart= is the
// runtime's create itself (Type=forking, PIDFile=; behind a shell line that
// falls back to the full unit-start for a start systemd makes by itself,
// `systemctl restart` of the unit or its pod's: oci.UnitCreate). systemd
// runs it, the start job is done once the init waits on its fifo, and this
// command records the init, lets it run (through the fifo) and records it
// running, all under the container's lock. podunit-start's Go process per
// container, about 30 ms of a pod of 3's start here, is gone
// (PERFORMANCE.md, twentieth and twenty-first sessions).
//
// The init's stdout is the unit's journal stream, as under podunit-start;
// its stderr a stream this command opens with the unit's name at priority 3
// and hands to the unit (StandardErrorFileDescriptor=): journald files a
// root's stream under the unit it names.

// startsDirect reports whether c, whose start this command prepares, is
// started directly in its unit t: no restart policy (systemd would run the
// create again without this command), no caller's stdin.
func startsDirect(t systemd.Transient) bool {
	return (t.Restart == "" || t.Restart == "no") && !t.TakesStdin()
}

// startDirect starts unit t of container c directly (see above). A unit of
// t's name still loaded is left to startTransient on the full road, as
// startPrepared does. It reports ReportedRunning when c is recorded
// running with its event and health timer; a failure is recorded with the
// runtime's own reason, and c's bundle released.
func (e *Engine) startDirect(ctx context.Context, conn *systemd.Conn, c *model.Container, t systemd.Transient) (unitstart.Served, error) {
	unlock, err := e.lock(ctx, c.ID)
	if err != nil {
		return unitstart.NotReported, err
	}
	if _, err := os.Stat(e.bundleDir(c.ID)); err == nil {
		// A bundle: another command's start of c finished since c was read
		// (the lock waited for one under way), or a killed one's is left.
		now, err := e.store.Container(ctx, c.ID)
		switch {
		case err != nil:
		case now.State.Status == model.Running:
			unlock() // started meanwhile: its bundle is no leftover to finish
			return unitstart.ReportedRunning, nil
		default:
			if pid := e.directLeftover(ctx, conn, now, t.Name); pid > 0 {
				defer unlock()
				return e.finishDirect(ctx, conn, c, nil, pid, t.Name)
			}
		}
		if _, err := os.Lstat(filepath.Join(e.bundleDir(c.ID), oci.UnitExeLink)); err == nil {
			// a command killed after it queued its unit's job (the lock
			// waited for one alive: startUnderWay) left a create running on
			// this bundle, which a new bundle in its place would pull from
			// under it: this start joins that unit's start job.
			unlock()
			return unitstart.NotReported, e.startTransient(ctx, conn, t, c.ID)
		}
	}
	if c.Config.LogDriverName() == model.LogJournald {
		conn.PassFDsSoon() // for the stderr stream, while the bundle is made
	}
	full := t
	if t.Slice == "" {
		t.Slice = defaultSlice // named, so that the bundle's cgroup is the unit's
	}
	bundle, rt, err := e.prepare(ctx, c, names.SliceCgroup(t.Slice, t.Name)+"/container", credentialSecrets, nil)
	var create *oci.UnitCreate
	if err == nil {
		if create, err = rt.UnitCreate(c.ID, bundle, t.ExecStart); err == nil {
			defer create.Close()
			t.ExecStart = create.Argv
			t.Properties = append(t.Properties, systemd.Property{Name: "PIDFile", Value: create.PidFile})
		}
	}
	if err != nil {
		e.recordFailure(c.ID, err)
		_ = e.release(context.WithoutCancel(ctx), c)
		unlock()
		return unitstart.NotReported, err
	}
	t.Type, t.NotifyAccess = "forking", "" // no NOTIFY_SOCKET: the runtime would proxy it
	// the output unitstart.Stdio gives a full start, as unit properties
	switch c.Config.LogDriverName() {
	case model.LogJournald:
		if stderr, err := unitstart.ErrStream(c, t.Name); err == nil {
			defer stderr.Close() // systemd has its own copy once the unit is made
			t.Properties = append(t.Properties, systemd.StderrProperty(stderr))
		}
	case model.LogNone:
		t.Properties = append(t.Properties, systemd.Property{Name: "StandardOutput", Value: "null"},
			systemd.Property{Name: "StandardError", Value: "null"})
	}
	j, err := conn.QueueTransient(ctx, t)
	if err != nil {
		_ = e.release(context.WithoutCancel(ctx), c)
		unlock()
		if errdefs.IsAlreadyExists(err) {
			return unitstart.NotReported, e.startTransient(ctx, conn, full, c.ID)
		}
		return unitstart.NotReported, err
	}
	// Not under the lock: a create that fails ends the job only once the
	// unit's cleanup (ExecStopPost=), which takes the lock, is done. Other
	// commands' locks wait meanwhile, for the link (startUnderWay), until
	// this start holds the lock again. The job is waited for to its end,
	// even by a command told to stop: a create left running would leave an
	// init waiting with no record.
	unlock()
	ctx = context.WithoutCancel(ctx)
	jobErr := j.Wait(ctx)
	if unlock, err = e.lock(ctx, c.ID); err != nil {
		return unitstart.NotReported, err
	}
	defer unlock()
	create.Unlink()
	pid := 0
	if jobErr == nil {
		pid, err = rt.UnitCreated(c.ID, bundle)
	} else {
		err = create.Error(rt.Name, jobErr)
	}
	if err != nil {
		e.recordFailure(c.ID, err)
		_ = e.release(ctx, c) // what the unit's cleanup did not
		return unitstart.NotReported, err
	}
	return e.finishDirect(ctx, conn, c, rt, pid, t.Name)
}

// finishDirect lets c's init pid, created in unit, run and records it
// running, with its `start` event and health timer, under c's lock. It
// writes the record once, after the release: a command killed from the
// unit's start until then leaves an init that waits on its fifo in an
// active unit and a record without it, which the next start finds
// (directLeftover) and a stop ends (stopUnstarted). rt is the runtime the
// bundle was made for; nil: c's.
func (e *Engine) finishDirect(ctx context.Context, conn *systemd.Conn, c *model.Container, rt *oci.Runtime, pid int, unit string) (unitstart.Served, error) {
	if rt == nil {
		var err error
		if rt, err = e.runtimeFor(c.Config.Runtime); err != nil {
			e.recordFailure(c.ID, err)
			_ = e.release(ctx, c)
			return unitstart.NotReported, err
		}
	}
	c.State.Pid, c.State.Unit = pid, unit
	rec := reportRecorder{storeRecorder{e.store}, e, conn, c}
	if err := unitstart.Start(ctx, rec, rt, c, e.bundleDir(c.ID)); err != nil {
		return unitstart.NotReported, err
	}
	if err := rec.Running(ctx, c.ID, pid, unit); err != nil {
		return unitstart.NotReported, err
	}
	return unitstart.ReportedRunning, nil
}

// directLeftover is the init of c's direct start whose command was killed
// before it recorded the init: c's unit (of name unit) is active, runs a
// direct create for c, and its main pid is the one the runtime wrote into
// c's bundle. 0 where there is none, as for every start but such a re-run,
// which finds no pid file (a bundle is removed when its container stops).
// c is the record read under c's lock, not running.
func (e *Engine) directLeftover(ctx context.Context, conn *systemd.Conn, c *model.Container, unit string) int {
	pid, err := pidfile.Read(filepath.Join(e.bundleDir(c.ID), oci.PidFileName))
	if err != nil {
		return 0
	}
	st, err := conn.State(ctx, unit)
	if err != nil || st.ActiveState != "active" || st.MainPID != pid {
		return 0
	}
	if argv, _ := conn.ExecStart(ctx, unit); !oci.IsUnitCreate(argv, c.ID) {
		return 0
	}
	// the link to the killed command's sealed copy: its pid may be another
	// process's by now
	oci.RemoveUnitLinks(e.bundleDir(c.ID))
	return pid
}

// startUnderWay is the pid of another command whose direct start of
// container id is under way without the container's lock, 0 where none
// is: the link the unit's line runs is there and resolves, which it does
// only while the command that made it lives, and its target names that
// command (oci.UnitCreate, oci.UnitCreateStarter), not this process. The
// start removes the link once it holds the lock again after its unit's
// job, and lets go of the lock when it is done: a command's lock and
// lookups wait for such a start (lock, afterStart).
func (e *Engine) startUnderWay(id string) int {
	link := filepath.Join(e.bundleDir(id), oci.UnitExeLink)
	target, err := os.Readlink(link)
	if err != nil {
		return 0
	}
	pid := oci.UnitCreateStarter(target)
	if pid == os.Getpid() {
		return 0
	}
	if _, err := os.Stat(link); err != nil {
		return 0
	}
	return pid
}

// awaitStart waits until no other command's direct start of container id
// is under way (startUnderWay), as a wait for the lock would (reported
// after a while, bounded by --lock-timeout: locks.Dir.AwaitRelease), or
// ctx is done. The start may still hold the lock then: lock takes it after.
func (e *Engine) awaitStart(ctx context.Context, id string) error {
	return e.locks.AwaitRelease(ctx, id, "being started", func() int { return e.startUnderWay(id) })
}

// afterStart returns once no other command's direct start of container id
// is under way (startUnderWay) or ctx is done: it passes through the lock,
// not only until the link is gone, because the start holds the lock again
// before it removes the link, until it has recorded how it went. For a
// verb that reads the record without the lock.
func (e *Engine) afterStart(ctx context.Context, id string) error {
	if e.startUnderWay(id) == 0 {
		return nil
	}
	unlock, err := e.lock(ctx, id)
	if err != nil {
		return err
	}
	unlock()
	return nil
}

// stopUnstarted stops the unit of c, recorded created, whose bundle exists
// with no start under way: a direct start's command was killed before it
// recorded the init, which waits in the active unit. It decides under c's
// lock, which waits for a start under way and which a start takes to make
// its bundle, so that the unit it stops is no start's that began after c
// was read; it stops the unit after letting go, since the unit's cleanup
// takes the lock. (A start that comes between finds the leftover and
// finishes it; the stop then stops that.) Removing c instead would leave an
// active unit whose init nobody releases; a `stop` that left it would leave
// the init. A created container has no bundle otherwise: only such a stop
// or removal asks systemd. It returns c's record as read under the lock
// (nil where it could not read it) and whether it asked systemd.
func (e *Engine) stopUnstarted(ctx context.Context, c *model.Container) (*model.Container, bool) {
	if _, err := os.Stat(e.bundleDir(c.ID)); err != nil || !systemd.Available() {
		return c, false
	}
	unlock, err := e.lock(ctx, c.ID)
	if err != nil {
		return nil, false
	}
	now, err := e.store.Container(ctx, c.ID)
	_, statErr := os.Stat(e.bundleDir(c.ID))
	unlock()
	if err != nil || now.State.Status != model.Created || statErr != nil {
		return now, false
	}
	conn, err := e.connect(ctx)
	if err != nil {
		return now, false
	}
	defer conn.Close()
	unit := now.State.Unit
	if unit == "" {
		unit = names.ContainerUnit(now.Name, now.ID)
	}
	_ = conn.Stop(ctx, unit)
	return now, true
}
