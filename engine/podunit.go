package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/network"
	"github.com/podunit/podunit/engine/systemd"
)

// podTransient is the unit of a started pod: a oneshot in the pod's slice
// that its members BindsTo= and After=, so stopping it stops them first,
// and whose stop tears the pod's namespaces down; no process stays. Where
// the command that makes the unit can pin the namespaces itself
// (pinsInCommand), the unit runs no process at start: ExecStop= alone
// (systemd wants ExecStart= or ExecStop=) unpins. Else its ExecStart=
// pins them (`pod unit-start`) and its ExecStopPost= unpins.
func (e *Engine) podTransient(p *model.Pod) systemd.Transient {
	t := systemd.Transient{
		Name:            names.PodUnit(p.Name, p.ID),
		Description:     "podunit pod " + p.Name,
		Type:            "oneshot",
		RemainAfterExit: true,
		Slice:           names.PodSlice(p.Name, p.ID),
		CollectMode:     "inactive-or-failed",
		NoStartLimit:    true, // systemd never restarts it by itself
	}
	if e.pinsInCommand(p) {
		t.ExecStop = [][]string{e.podUnitArgs("unit-stop", p.ID)}
	} else {
		t.ExecStart = e.podUnitArgs("unit-start", p.ID)
		t.ExecStopPost = [][]string{e.podUnitArgs("unit-stop", p.ID)}
	}
	return t
}

// pinsInCommand reports whether the pod's namespaces can be pinned by
// whichever podunit process needs them first, with nothing left running:
// a root pod that shares no PID namespace. A rootless pod's namespaces, and
// a PID namespace, need a process in the pod's unit that holds them.
func (e *Engine) pinsInCommand(p *model.Pod) bool {
	return !e.cfg.Rootless.On && !p.Config.Shares(network.PID)
}

// podUpHere does `pod unit-start`'s work for pod p in this process, as the
// pod's unit: unit, unless the pod is up already (recorded pinned, and its
// namespaces there). Under the pod's pin lock, which no command holds while
// it waits on systemd: the members of a pod whose unit systemd restarted
// may all come here at once.
func (e *Engine) podUpHere(ctx context.Context, p *model.Pod, unit string) error {
	_, err := e.podUpHereFresh(ctx, p, unit)
	return err
}

// podUpHereFresh is podUpHere, and reports whether it brought the pod up
// (false: it was up already).
func (e *Engine) podUpHereFresh(ctx context.Context, p *model.Pod, unit string) (bool, error) {
	unlock, err := e.lockWhile(ctx, podPinLock(p), e.podExists(ctx, p))
	if err != nil {
		return false, err
	}
	defer unlock()
	if p, err = e.store.Pod(ctx, p.ID); err != nil {
		return false, err
	}
	if e.podPinned(p) {
		rememberPod(ctx, p)
		return false, nil
	}
	return true, e.podUnitStart(ctx, p, unit)
}

// podPinLock is the lock that podUpHere takes for pod p.
func podPinLock(p *model.Pod) string { return "podpin-" + p.ID }

// podPinned reports whether pod p is up: recorded so, and every namespace
// it pins there.
func (e *Engine) podPinned(p *model.Pod) bool {
	kinds := pinnable(p.Config.Share)
	return p.State.NamespacesPinned && (len(kinds) == 0 || e.podNamespaces(p).All(kinds))
}

// memberPodUp brings member c's pod up from the member's unit-start where
// the pod's unit runs no process and its namespaces are not there: systemd
// restarted that unit (`systemctl restart NAME-pod.service`: its ExecStop=
// unpinned them, and its start pins nothing), or the command that made it
// died before it pinned them.
func (e *Engine) memberPodUp(ctx context.Context, c *model.Container) error {
	if c.Config.Pod == "" || e.cfg.Rootless.On { // no pod read where none can pin here
		return nil
	}
	p, err := e.podOf(ctx, c)
	if err != nil || !e.pinsInCommand(p) || e.podPinned(p) {
		return err
	}
	unit := p.State.Unit
	if unit == "" {
		unit = names.PodUnit(p.Name, p.ID)
	}
	defer forgetPod(ctx) // the prepare reads the record as it is now
	return e.podUpHere(ctx, p, unit)
}

// unlimited is systemd's "infinity" for MemoryMax= and CPUQuotaPerSecUSec=.
const unlimited = ^uint64(0)

// podSlice is the slice of a pod's units with the pod's resource limits. Every
// limit is set, "infinity" where the pod has none, so that a slice left from
// an earlier pod of the same name never lends it limits it does not have.
func podSlice(p *model.Pod) systemd.Transient {
	memory, quota := unlimited, unlimited
	if p.Config.Memory > 0 {
		memory = uint64(p.Config.Memory)
	}
	if p.Config.CPUs > 0 {
		quota = cpusQuota(p.Config.CPUs)
	}
	return systemd.Transient{Name: names.PodSlice(p.Name, p.ID), Description: "podunit pod " + p.Name,
		Properties: append(memoryMax(memory), cpuQuota(quota))}
}

func (e *Engine) podUnitArgs(verb, id string) []string {
	args := e.unitArgs(verb, id)
	args[len(args)-3] = "pod" // unitArgs ends with "container", verb, id
	return args
}

// podUp brings up the pod's slice with the pod's limits, then its unit: in
// one call and one transaction where neither is loaded, else one by one.
func (e *Engine) podUp(ctx context.Context, conn *systemd.Conn, p *model.Pod) error {
	return e.withPod(ctx, conn, p, func() error { return nil })
}

// podQueue is podUp up to the point where systemd has enqueued the pod
// unit's start: members' starts asked for then wait for it in systemd's
// queue (they are After= the pod's unit) rather than in podunit, so PID 1
// makes their units while the pod's ExecStart= runs, where it has one. A
// unit just made that runs nothing (pinsInCommand) is up at once, and this
// command pins the pod's namespaces before it returns. On the road where a
// unit was loaded already, the pod is up when it returns.
func (e *Engine) podQueue(ctx context.Context, conn *systemd.Conn, p *model.Pod) (*systemd.Job, error) {
	t := e.podTransient(p)
	// The unit made here runs nothing: the pod comes up in this command,
	// before any member's start is asked for, while systemd makes the unit
	// (a round trip in which this command waited, about 2 ms of a pod's
	// start). Where no unit was made, what was brought up for it goes down
	// again, and a unit of the name that was loaded already takes the road
	// below, as before.
	var pinned chan struct{}
	var up bool
	var pinErr error
	if e.pinsInCommand(p) {
		pinned = make(chan struct{})
		go func() {
			defer close(pinned)
			up, pinErr = e.podUpHereFresh(ctx, p, t.Name)
		}()
	}
	j, err := conn.QueueTransient(ctx, t, podSlice(p))
	if pinned != nil {
		<-pinned
		switch {
		case err == nil && pinErr != nil:
			_ = j.Wait(ctx)
			_ = conn.Stop(ctx, t.Name) // its ExecStop= records the pod down
			return nil, pinErr
		case err != nil && up:
			// no unit of ours to take it down: the pin goes now
			if uerr := e.PodUnitStop(context.WithoutCancel(ctx), p.ID, false); uerr != nil {
				return nil, errors.Join(err, uerr)
			}
		}
	}
	if !errdefs.IsAlreadyExists(err) {
		return j, err
	}
	if err := sliceUp(ctx, conn, podSlice(p)); err != nil {
		return nil, err
	}
	started, err := startUnlessActive(ctx, conn, t)
	if err != nil {
		return nil, err
	}
	if e.runsNothing(ctx, conn, p, t.Name) {
		if err := e.podUpHere(ctx, p, t.Name); err != nil {
			if started {
				_ = conn.Stop(ctx, t.Name)
			}
			return nil, err
		}
	}
	return systemd.Done(), nil
}

// runsNothing reports whether the loaded unit of pod p's name is one that
// runs nothing at start (a transient of ours still loaded), which leaves
// the pinning to this command; a unit file's ExecStart= has pinned them.
func (e *Engine) runsNothing(ctx context.Context, conn *systemd.Conn, p *model.Pod, unit string) bool {
	if !e.pinsInCommand(p) {
		return false
	}
	argv, err := conn.ExecStart(ctx, unit)
	return err == nil && len(argv) == 0
}

// withPod runs start, which starts units bound to and ordered after pod
// p's unit, once p's unit's start is enqueued, then waits for that start:
// where the pod fails, its error is the one to report (the members' jobs
// end with systemd's "dependency" and nothing of them ran).
func (e *Engine) withPod(ctx context.Context, conn *systemd.Conn, p *model.Pod, start func() error) error {
	begin := time.Now().UTC()
	j, err := e.podQueue(ctx, conn, p)
	if err != nil {
		return e.podFailure(ctx, p, begin, err)
	}
	serr := start()
	if err := j.Wait(ctx); err != nil {
		return e.podFailure(ctx, p, begin, err)
	}
	return serr
}

// podFailure prefers the reason pod p's unit recorded, since begin, for
// its failure to come up over systemd's word for it ("job failed").
func (e *Engine) podFailure(ctx context.Context, p *model.Pod, begin time.Time, jobErr error) error {
	after, err := e.store.Pod(ctx, p.ID)
	if err != nil || after.State.Error == "" || after.State.ErrorAt.Before(begin) {
		return jobErr
	}
	return fmt.Errorf("%s (unit %s)", after.State.Error, e.podTransient(p).Name)
}

// sliceUp starts slice t with its limits or, where it is loaded already
// (members still stopping, or a slice systemd made on reference), sets
// them and starts it (no job to speak of where it is active). It asks for
// the start first: a question about a unit systemd has not loaded makes
// it search every unit directory for the name, several times over.
func sliceUp(ctx context.Context, conn *systemd.Conn, t systemd.Transient) error {
	err := conn.StartTransient(ctx, t)
	if !errdefs.IsAlreadyExists(err) {
		return err
	}
	if err := conn.SetProperties(ctx, t.Name, true, t.Properties...); err != nil {
		return err
	}
	return conn.Start(ctx, t.Name)
}

// sliceDown stops pod p's slice, so that nothing of it outlives the pod;
// not from inside it (pod create --replace in a pod unit's ExecStartPre=),
// which would stop the unit this command runs in.
func (e *Engine) sliceDown(ctx context.Context, p *model.Pod) error {
	if !systemd.Available() {
		return nil
	}
	slice := names.PodSlice(p.Name, p.ID)
	if own, err := systemd.OwnCgroup(); err == nil && strings.Contains(own+"/", "/"+slice+"/") {
		return nil
	}
	conn, err := e.connect(ctx) // a rootless pod's slice is the user manager's
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.Stop(ctx, slice); err != nil && !errdefs.IsNotFound(err) {
		return fmt.Errorf("pod %q: %w", p.Name, err)
	}
	dropSliceCgroup(slice)
	return nil
}

// startUnlessActive starts t, or the unit of its name that is loaded
// already unless it is active; the start is asked for first, as in sliceUp.
// started says whether it was not active before.
func startUnlessActive(ctx context.Context, conn *systemd.Conn, t systemd.Transient) (started bool, err error) {
	err = conn.StartTransient(ctx, t)
	if !errdefs.IsAlreadyExists(err) {
		return err == nil, err
	}
	st, err := conn.State(ctx, t.Name)
	if err != nil {
		return false, err
	}
	if st.ActiveState == "active" {
		return false, nil
	}
	return true, startLoaded(ctx, conn, t.Name)
}

// PodCreateInUnit creates a pod and brings it up in the unit this process
// runs in, as `pod create --unit` does as a pod unit file's ExecStart=:
// pod create and pod unit-start in one process. Outside a service it
// refuses before it makes anything, as run --unit does.
func (e *Engine) PodCreateInUnit(ctx context.Context, o PodCreateOptions) (*model.Pod, error) {
	unit, err := ownUnit()
	if err != nil {
		return nil, err
	}
	p, err := e.PodCreate(ctx, o)
	if err != nil {
		return nil, err
	}
	return p, e.podUnitStart(ctx, p, unit)
}

// PodUnitStart runs as the pod unit's ExecStart=: it pins the shared
// namespaces and records that the pod is up.
func (e *Engine) PodUnitStart(ctx context.Context, ref string) error {
	p, err := e.store.PodExact(ctx, ref)
	if err != nil {
		return err
	}
	unit, err := ownUnit()
	if err != nil && e.cfg.Rootless.On {
		return err // a rootless pod's unit is where its PID holder lives
	}
	return e.podUnitStart(ctx, p, unit) // run by hand as root: up all the same
}

// podUnitStart is PodUnitStart for the pod record p, up in unit. A failure
// is recorded in the pod's record, for the command that started the unit
// to report (podFailure), on every road: rootless, `pod create --unit`.
func (e *Engine) podUnitStart(ctx context.Context, p *model.Pod, unit string) (err error) {
	defer func() {
		if err != nil {
			_, _ = e.store.UpdatePod(ctx, p.ID, func(p *model.Pod) error {
				p.State.Error, p.State.ErrorAt = err.Error(), time.Now().UTC()
				return nil
			})
		}
	}()
	if e.cfg.Rootless.On {
		return e.rootlessPodUnitStart(ctx, p, unit)
	}
	pinned, err := e.pinPod(p)
	if err != nil {
		return fmt.Errorf("pod %q: %w", p.Name, err)
	}
	holder := p.State.HolderPid
	if p.Config.Shares(network.PID) && !network.HolderAlive(holder) {
		if holder, err = network.StartPIDHolder(); err != nil {
			_ = network.Unpin(pinned.Dir)
			return fmt.Errorf("pod %q: %w", p.Name, err)
		}
	}
	ip := ""
	if p.Config.Shares(network.Net) && isNetwork(p.Config.Network) {
		// a re-start after a crash: finish the old attachment's teardown first
		_ = e.detachOwner(ctx, podOwner(p, pinned.Path(network.Net)))
		ip, err = e.attachOwner(ctx, podOwner(p, pinned.Path(network.Net)))
		if err != nil {
			_ = network.Unpin(pinned.Dir)
			return fmt.Errorf("pod %q: %w", p.Name, err)
		}
	}
	up, err := e.store.UpdatePod(ctx, p.ID, func(p *model.Pod) error {
		p.State.NamespacesPinned, p.State.Unit, p.State.IP, p.State.HolderPid = true, unit, ip, holder
		return nil
	})
	if err == nil {
		rememberPod(ctx, up) // the members' prepares, in a pod start, read it there
	}
	if err == nil && ip != "" {
		err = e.refreshHosts(ctx, p.Config.Network, "")
	}
	return err
}

// pinnable is the namespaces a pod pins without a process: all it shares
// but PID, which a holder keeps.
func pinnable(share []string) []string {
	var out []string
	for _, ns := range share {
		if ns != network.PID {
			out = append(out, ns)
		}
	}
	return out
}

// podDetach runs netavark teardown for the pod's network (on its pinned namespace
// while it is there) and forgets its address.
func (e *Engine) podDetach(ctx context.Context, p *model.Pod) error {
	if !p.Config.Shares(network.Net) || !isNetwork(p.Config.Network) {
		return nil
	}
	pinned, path := e.podNamespaces(p), ""
	if pinned.Has(network.Net) {
		path = pinned.Path(network.Net)
	}
	if err := e.detachOwner(ctx, podOwner(p, path)); err != nil {
		return fmt.Errorf("pod %q: %w", p.Name, err)
	}
	if p.State.IP == "" {
		return nil
	}
	if _, err := e.store.UpdatePod(ctx, p.ID, func(p *model.Pod) error {
		p.State.IP = ""
		return nil
	}); err != nil {
		return err
	}
	return e.refreshHosts(ctx, p.Config.Network, "")
}

// PodUnitStop runs as the pod unit's ExecStopPost=, after systemd stopped
// the members bound to it: it tears the namespaces down. With remove (units
// written by the generator) the pod and its members are removed too.
func (e *Engine) PodUnitStop(ctx context.Context, ref string, remove bool) error {
	p, err := e.store.PodExact(ctx, ref)
	if err != nil {
		return err
	}
	if err := e.podDetach(ctx, p); err != nil {
		return err
	}
	if err := network.Unpin(e.podNamespaces(p).Dir); err != nil {
		return fmt.Errorf("pod %q: %w", p.Name, err)
	}
	_ = os.Remove(e.podDir(p))
	network.StopPIDHolder(p.State.HolderPid)
	if remove {
		return e.removePodRecords(ctx, p)
	}
	_, err = e.store.UpdatePod(ctx, p.ID, func(p *model.Pod) error {
		p.State.NamespacesPinned, p.State.Unit, p.State.HolderPid = false, "", 0
		return nil
	})
	return err
}

// podNamespacesFor is the namespace list of a pod member's spec: the pod's
// pinned ones by path, fresh ones for the rest.
func (e *Engine) podNamespacesFor(ctx context.Context, c *model.Container) ([]nsEntry, error) {
	p, err := e.podOf(ctx, c)
	if err != nil {
		return nil, err
	}
	if e.cfg.Rootless.On {
		return e.rootlessPodNamespaces(ctx, c, p)
	}
	pinned := e.podNamespaces(p)
	out := podUserEntry(p, pinned)
	for _, kind := range []string{network.Net, network.IPC, network.UTS} {
		if kind == network.Net && p.Config.Network == "host" || kind == network.IPC && p.Config.IPCMode == model.HostNS {
			continue // no namespace of its own: the host's
		}
		if !p.Config.Shares(kind) {
			out = append(out, nsEntry{kind: kind})
			continue
		}
		var st unix.Statfs_t
		if unix.Statfs(pinned.Path(kind), &st) != nil || st.Type != unix.NSFS_MAGIC {
			return nil, fmt.Errorf("pod %q is not started: its %s namespace is not there: %w", p.Name, kind, errdefs.ErrConflict)
		}
		out = append(out, nsEntry{kind: kind, path: pinned.Path(kind)})
	}
	if p.Config.PIDMode == model.HostNS {
		return append(out, nsEntry{kind: network.PID, host: true}), nil
	}
	if !p.Config.Shares(network.PID) {
		return append(out, nsEntry{kind: network.PID}), nil
	}
	if !network.HolderAlive(p.State.HolderPid) {
		return nil, fmt.Errorf("pod %q is not started: the holder of its PID namespace is not running: %w", p.Name, errdefs.ErrConflict)
	}
	return append(out, nsEntry{kind: network.PID, path: network.PIDNamespacePath(p.State.HolderPid)}), nil
}

// nsEntry is one namespace of a member: path "" means a fresh one, host
// the host's (no namespace of its own).
type nsEntry struct {
	kind, path string
	host       bool
}
