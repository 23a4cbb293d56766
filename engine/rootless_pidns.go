package engine

import (
	"context"
	"fmt"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/network"
	"github.com/podunit/podunit/engine/rootless"
)

// A rootless pod that shares its PID namespace (--share pid) has a holder,
// as root's has: catatonit as the namespace's PID 1, so that no member's
// end takes the others with it. The pod unit's start makes it where there
// is one (it lives in the pod unit's cgroup, as root's), else the first
// member to start; either way in that podunit's user namespace, which the
// holder then keeps: the pod's anchor, whose namespace every later member
// runs in (NotHereError, as for a running member). pod stop and pod rm end
// it (PodUnitStop).

// podAnchor is the process whose user namespace a rootless member of c's
// pod must be in: the pod's PID holder while it runs, else a running
// member's init; 0 where there is none.
func (e *Engine) podAnchor(ctx context.Context, c *model.Container) (int, string, error) {
	p, err := e.store.Pod(ctx, c.Config.Pod)
	if err != nil {
		return 0, "", err
	}
	if p.Config.Shares(network.PID) && network.HolderAlive(p.State.HolderPid) {
		return p.State.HolderPid, fmt.Sprintf("pod %q's PID namespace holder", p.Name), nil
	}
	h, err := e.podHolder(ctx, c)
	if err != nil || h == nil {
		return 0, "", err
	}
	return h.State.Pid, fmt.Sprintf("container %q", h.Name), nil
}

// rootlessPIDEntry is a rootless member's PID namespace: its pod's
// holder's, started here if none runs, held open until releasePodNS; a
// fresh one where the pod does not share it. The pod's lock is held.
func (e *Engine) rootlessPIDEntry(ctx context.Context, p *model.Pod) (nsEntry, error) {
	if !p.Config.Shares(network.PID) {
		return nsEntry{kind: network.PID}, nil
	}
	pid, err := e.rootlessPIDHolder(ctx, p)
	if err != nil {
		return nsEntry{}, err
	}
	if err := e.rootlessHerePid(pid, fmt.Sprintf("pod %q's PID namespace holder", p.Name)); err != nil {
		return nsEntry{}, err
	}
	held := e.holdNamespaces(pid, []string{network.PID})
	if held == nil {
		return nsEntry{}, fmt.Errorf("pod %q: the holder of its PID namespace (pid %d) ended as this member started: %w",
			p.Name, pid, errdefs.ErrConflict)
	}
	return nsEntry{kind: network.PID, path: held[network.PID]}, nil
}

// rootlessPIDHolder is the running holder of rootless pod p's PID
// namespace, or one this podunit starts and records.
func (e *Engine) rootlessPIDHolder(ctx context.Context, p *model.Pod) (int, error) {
	if network.HolderAlive(p.State.HolderPid) {
		return p.State.HolderPid, nil
	}
	pid, err := network.StartPIDHolder()
	if err != nil {
		return 0, fmt.Errorf("pod %q: %w", p.Name, err)
	}
	if _, err := e.store.UpdatePod(ctx, p.ID, func(p *model.Pod) error {
		p.State.HolderPid = pid
		return nil
	}); err != nil {
		network.StopPIDHolder(pid)
		return 0, err
	}
	return pid, nil
}

// rootlessHerePid is rootlessHere for any process of the user's, what
// naming it.
func (e *Engine) rootlessHerePid(pid int, what string) error {
	if !e.cfg.Rootless.On || pid <= 0 {
		return nil
	}
	if e.cfg.Rootless.Outside { // every container's namespace is another's: join it
		return &rootless.NotHereError{PID: pid, What: what}
	}
	if same, err := rootless.SameNamespace(pid); err != nil || same {
		return nil
	}
	return &rootless.NotHereError{PID: pid, What: what}
}

// podUnitPIDHolder starts rootless pod p's PID holder from its pod unit,
// unless it runs or a member does (the holder must share the members'
// user namespace: the first of them made or joins it).
func (e *Engine) podUnitPIDHolder(ctx context.Context, p *model.Pod) error {
	if !p.Config.Shares(network.PID) {
		return nil
	}
	if err := e.holdPodNS(ctx, p.ID); err != nil {
		return err
	}
	defer e.releasePodNS()
	if p, err := e.store.Pod(ctx, p.ID); err != nil || network.HolderAlive(p.State.HolderPid) {
		return err
	}
	members, err := e.store.PodContainers(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.State.Status == model.Running && alive(m.State.Pid) {
			return nil
		}
	}
	_, err = e.rootlessPIDHolder(ctx, p)
	return err
}
