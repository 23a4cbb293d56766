package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/systemd"
	"github.com/podunit/podunit/engine/unitstart"
	"github.com/podunit/podunit/internal/helperbin"
)

// A prepared start: the command that starts a container's unit makes the
// container's bundle itself (mounts the rootfs, writes config.json, under
// the container's lock) and leaves a plan beside it; the unit's ExecStart=
// is then podunit-start, which finishes the start as unit-start would with
// the fixed costs of a 5 MB program instead of podunit's, and reports the
// start to this command, which records it (PERFORMANCE.md, fourteenth and
// fifteenth sessions). The unit's own ExecStart= line
// names the full unit-start after "--", which podunit-start runs when the
// plan is not its own: a start systemd makes itself (Restart=, systemctl)
// makes its bundle in the unit, as every start did before.

// startHelper is podunit-start's name beside podunit (helperbin.Find).
const startHelper = "podunit-start"

// preparesStart reports whether this command makes the bundle of c, whose
// unit it starts (in pod p's slice when p is set), and the podunit-start to
// run: a root container that starts now (not `pod init`), whose bundle
// needs nothing only its unit has (a terminal's keeper, secrets as the
// unit's credentials, an image the unit resolves for auto-update), which
// tells systemd it is ready as the runtime creates it (no
// --sdnotify=container or healthy), and whose network has no process of its
// own to live in the unit's cgroup: a member of a pod this command brings
// up, or a container with no network, the host's or another's namespace
// (not a network's netavark and aardvark-dns, nor pasta or slirp4netns).
func (e *Engine) preparesStart(c *model.Container, p *model.Pod, initOnly bool) (string, bool) {
	if initOnly || e.cfg.Rootless.On || c.Config.Tty || len(c.Config.Secrets) > 0 || followsName(c) ||
		c.Config.SdNotify == "container" || c.Config.SdNotify == "healthy" {
		return "", false
	}
	if p != nil && !e.pinsInCommand(p) || p == nil && !netnsOnly(c.Config.Network) {
		return "", false
	}
	return helperbin.Find(e.cfg.Self, startHelper)
}

// netnsOnly reports whether network mode runs no process beside the
// container: no network, the host's, or another container's or a path's.
func netnsOnly(mode string) bool {
	return !isNetwork(mode) && mode != pastaMode && mode != slirpMode
}

// defaultSlice is where systemd's system manager puts a transient service
// that names no slice.
const defaultSlice = "system.slice"

// startPrepared starts unit t for c with podunit-start as its ExecStart=
// and makes c's bundle while systemd makes the unit: it holds c's lock from
// before the start is queued until the plan is written, and podunit-start
// waits for that lock first. Then it records what podunit-start reports
// over the plan's socket (unitstart.Serve) until podunit-start is done. A
// unit of t's name still loaded (this container's, stopped, or an earlier
// container's of the name, not yet collected) is left to startTransient on
// the full road. It returns the plan's path where it wrote a plan (which
// podunit-start takes, unless the unit never ran: see unprepare), else "",
// and how podunit-start reported the start went: where it did, the record
// is written, and podunit-start holds no lock any more to wait for.
func (e *Engine) startPrepared(ctx context.Context, conn *systemd.Conn, c *model.Container, t systemd.Transient, helper string) (string, unitstart.Served, error) {
	unlock, err := e.lock(ctx, c.ID)
	if err != nil {
		return "", unitstart.NotReported, err
	}
	full, plan := t, unitstart.PlanFile(e.bundleDir(c.ID))
	if t.Slice == "" {
		t.Slice = defaultSlice // named, so that the bundle's cgroup is the unit's
	}
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce)
	p := &unitstart.Plan{Nonce: hex.EncodeToString(nonce), ID: c.ID, Cgroup: names.SliceCgroup(t.Slice, t.Name), DB: e.dbPath(),
		Name: c.Name, LogDriver: c.Config.LogDriver, LogTag: c.Config.LogTag}
	ln, _ := unitstart.Listen(p.Nonce) // nil where it fails: podunit-start then hands the plan to unit-start
	t.ExecStart = append([]string{helper, p.Nonce, plan, e.lockDir(), "--"}, t.ExecStart...)
	j, err := conn.QueueTransient(ctx, t)
	if err != nil {
		unlock()
		if ln != nil {
			ln.Close()
		}
		if errdefs.IsAlreadyExists(err) {
			return "", unitstart.NotReported, e.startTransient(ctx, conn, full, c.ID)
		}
		return "", unitstart.NotReported, err
	}
	if !e.prepareStart(ctx, c, p) {
		plan = ""
	}
	unlock()
	if ln == nil {
		return plan, unitstart.NotReported, j.Wait(ctx)
	}
	served := make(chan unitstart.Served, 1)
	go func() {
		served <- unitstart.Serve(ctx, ln, c.ID, p.Cgroup, reportRecorder{storeRecorder{e.store}, e, conn, c})
	}()
	err = j.Wait(ctx)
	ln.Close() // the unit is up or gone: a podunit-start that reports has connected by now
	return plan, <-served, err
}

// prepareStart makes c's bundle for the unit whose cgroup p names and
// leaves the plan p beside it. A bundle it cannot make is undone, and no
// plan written: podunit-start runs the full unit-start, which makes it in
// the unit and records why it fails. It reports whether it wrote the plan.
func (e *Engine) prepareStart(ctx context.Context, c *model.Container, p *unitstart.Plan) bool {
	bundle, rt, err := e.prepare(ctx, c, p.Cgroup+"/container", credentialSecrets, nil)
	if err == nil {
		p.Bundle, p.Runtime = bundle, *rt
		err = unitstart.WritePlan(p)
	}
	if err != nil {
		_ = e.release(context.WithoutCancel(ctx), c)
	}
	return err == nil
}

// unprepare undoes startPrepared's bundle where the start failed and no
// podunit-start took the plan (the unit never ran), under c's lock.
func (e *Engine) unprepare(ctx context.Context, c *model.Container, plan string) {
	unlock, err := e.lock(ctx, c.ID)
	if err != nil {
		return
	}
	defer unlock()
	if os.Remove(plan) == nil {
		_ = e.release(ctx, c)
	}
}

// unitStartPlanned finishes in its unit the prepared start of container id
// that podunit-start handed over (unitstart.PlanEnv names the plan's
// nonce): the command that made the plan was gone, so this process writes
// the record, the `start` event and the health check's timer. The plan says whether podunit-start created the init and
// handed it to systemd already (its Pid). It reports whether the plan was
// the start's own: if not, the full unit-start goes on.
func (e *Engine) unitStartPlanned(ctx context.Context, id, nonce string) (bool, error) {
	unlock, err := e.lockInUnit(ctx, id)
	if err != nil {
		return true, err
	}
	defer unlock()
	p := unitstart.TakeOwnPlan(unitstart.PlanFile(e.bundleDir(id)), nonce, id)
	if p == nil {
		return false, nil
	}
	if err := unitstart.Run(ctx, p, storeRecorder{e.store}); err != nil {
		_ = e.store.Close()
		return true, err
	}
	// what the command would have done after the start (startUnit)
	if c, err := e.store.Container(ctx, id); err == nil {
		e.startedHere(ctx, c)
	}
	return true, e.store.Close() // checkpointed before the lock goes
}
