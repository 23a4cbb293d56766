package engine

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/network"
	"github.com/podunit/podunit/engine/spec"
)

// Rootless pods: an unprivileged user cannot pin a namespace past the
// command that made it (the bind mounts live in that command's mount
// namespace) and, without a pause process, nothing else holds one. So a
// rootless pod's shared namespaces are its first member's: the first one
// to start makes them, each later one joins them through /proc/PID/ns of
// a running member, from that member's user namespace (a sibling one may
// not join them; the parent outside runs the command again there, as for
// exec). They live as long as one member does.

// podHolder is a running member of c's pod other than c whose namespaces
// the others join, or nil.
func (e *Engine) podHolder(ctx context.Context, c *model.Container) (*model.Container, error) {
	members, err := e.store.PodContainers(ctx, c.Config.Pod)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		running := m.State.Status == model.Running || m.State.Status == model.Created
		if m.ID != c.ID && running && alive(m.State.Pid) {
			return m, nil
		}
	}
	return nil, nil
}

// rootlessPodHere checks, before a rootless pod member is made or started,
// that this podunit is in the user namespace of the pod's running members
// (a NotHereError otherwise: the parent runs the command again there).
// With hold (a start) it takes the pod's namespace lock first and keeps it
// until releasePodNS, so what it found stays true until the member runs.
// Create does not hold it: run -d's unit start, another process, takes it.
func (e *Engine) rootlessPodHere(ctx context.Context, c *model.Container, hold bool) error {
	if !e.cfg.Rootless.On || c.Config.Pod == "" {
		return nil
	}
	if hold {
		if err := e.holdPodNS(ctx, c.Config.Pod); err != nil {
			return err
		}
	}
	h, err := e.podHolder(ctx, c)
	if err != nil || h == nil {
		return err
	}
	return e.rootlessHere(h)
}

// rootlessPodNamespaces is a rootless member's namespace list: a running
// member's by /proc path, or fresh ones for the first. The pod's
// namespace lock is held until the member's init is recorded
// (releasePodNS), so two first members do not both make their own.
func (e *Engine) rootlessPodNamespaces(ctx context.Context, c *model.Container, p *model.Pod) ([]nsEntry, error) {
	if p.Config.PodHostNS != (model.PodHostNS{}) {
		return nil, fmt.Errorf("pod %q runs its members in the host's PID or IPC namespace: rootless pods cannot yet: %w",
			p.Name, errdefs.ErrNotImplemented)
	}
	if p.Config.Shares(network.PID) {
		return nil, fmt.Errorf("pod %q shares its PID namespace: rootless pods cannot yet (no process holds it): %w",
			p.Name, errdefs.ErrNotImplemented)
	}
	if err := e.holdPodNS(ctx, p.ID); err != nil {
		return nil, err
	}
	h, err := e.podHolder(ctx, c)
	if err != nil {
		return nil, err
	}
	if h != nil {
		if err := e.rootlessHere(h); err != nil {
			return nil, err
		}
	}
	var out []nsEntry
	for _, kind := range []string{network.Net, network.IPC, network.UTS} {
		switch {
		case kind == network.Net && p.Config.Network == "host":
		case h != nil && p.Config.Shares(kind):
			out = append(out, nsEntry{kind: kind, path: "/proc/" + strconv.Itoa(h.State.Pid) + "/ns/" + kind})
		default:
			out = append(out, nsEntry{kind: kind})
		}
	}
	return append(out, nsEntry{kind: network.PID}), nil
}

// holdPodNS takes pod's namespace lock unless this engine holds it.
func (e *Engine) holdPodNS(ctx context.Context, pod string) error {
	if e.podns != nil {
		return nil
	}
	unlock, err := e.lockWhile(ctx, "podns-"+pod, func() bool {
		_, err := e.store.Pod(context.WithoutCancel(ctx), pod)
		return err == nil
	})
	if err == nil {
		e.podns = unlock
	}
	return err
}

// releasePodNS lets the next rootless member of the pod look for its
// namespaces, once this one's init is recorded.
func (e *Engine) releasePodNS() {
	if e.podns != nil {
		e.podns()
		e.podns = nil
	}
}

// rootlessPodUnitStart is a rootless pod unit's ExecStart=: there is
// nothing to pin (the first member makes the namespaces), so it records
// that the pod is up, in which unit.
func (e *Engine) rootlessPodUnitStart(ctx context.Context, p *model.Pod) error {
	if p.Config.Shares(network.PID) {
		return fmt.Errorf("pod %q shares its PID namespace: rootless pods cannot yet (no process holds it): %w",
			p.Name, errdefs.ErrNotImplemented)
	}
	unit, err := ownUnit()
	if err != nil {
		return err
	}
	_, err = e.store.UpdatePod(ctx, p.ID, func(p *model.Pod) error {
		p.State.NamespacesPinned, p.State.Unit = true, unit
		return nil
	})
	return err
}

// firstMemberHostname gives the first member of a rootless pod, which
// makes the pod's UTS namespace, the pod's host name.
func (e *Engine) firstMemberHostname(ctx context.Context, c *model.Container, ns []nsEntry, in *spec.Input) {
	if !e.cfg.Rootless.On {
		return
	}
	for _, n := range ns {
		if n.kind == network.UTS && n.path == "" {
			if h := e.hostnameOf(ctx, c); h != "" {
				in.Hostname = h
			}
		}
	}
}

// pidNamespace is the PID namespace of process pid ("" where it cannot be
// read). A rootless container has no cgroup of its own, so the processes
// of its init's cgroup are more than its own (an attached run's are the
// whole session's): its PID namespace tells them apart.
type pidNamespace string

func pidNamespaceOf(pid int) pidNamespace {
	link, _ := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/pid")
	return pidNamespace(link)
}

// has: process pid is in the namespace, or the namespace is unknown.
func (ns pidNamespace) has(pid int) bool {
	return ns == "" || pidNamespaceOf(pid) == ns
}
