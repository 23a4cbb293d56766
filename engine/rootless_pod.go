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
	pid, what, err := e.podAnchor(ctx, c)
	if err != nil {
		return err
	}
	return e.rootlessHerePid(pid, what)
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
	if err := e.holdPodNS(ctx, p.ID); err != nil {
		return nil, err
	}
	p, err := e.store.Pod(ctx, p.ID) // as it is under the lock: its PID holder
	if err != nil {
		return nil, err
	}
	pidns, err := e.rootlessPIDEntry(ctx, p)
	if err != nil {
		return nil, err
	}
	h, err := e.podHolder(ctx, c)
	if err != nil {
		return nil, err
	}
	var held map[string]string
	if h != nil {
		if err := e.rootlessHere(h); err != nil {
			return nil, err
		}
		held = e.holdNamespaces(h.State.Pid, sharedKinds(p))
	}
	var out []nsEntry
	for _, kind := range []string{network.Net, network.IPC, network.UTS} {
		switch {
		case kind == network.Net && p.Config.Network == "host":
		case held[kind] != "": // opened because p shares it
			out = append(out, nsEntry{kind: kind, path: held[kind]})
		case kind == network.Net && (p.Config.Network == pastaMode || p.Config.Network == slirpMode) && p.Config.Shares(kind):
			path, err := e.podHelperNetns(ctx, p)
			if err != nil {
				return nil, err
			}
			out = append(out, nsEntry{kind: kind, path: path})
		default:
			out = append(out, nsEntry{kind: kind})
		}
	}
	return append(out, pidns), nil
}

// sharedKinds is what of net, ipc and uts pod p shares (no network
// namespace with --network host).
func sharedKinds(p *model.Pod) []string {
	var kinds []string
	for _, kind := range []string{network.Net, network.IPC, network.UTS} {
		if p.Config.Shares(kind) && (kind != network.Net || p.Config.Network != "host") {
			kinds = append(kinds, kind)
		}
	}
	return kinds
}

// holdNamespaces opens the namespaces kinds of the running member pid
// (or the pod's PID holder) and keeps them open until releasePodNS, so the member
// may end before the runtime joins them: a member may end at any time
// (the pod's lock orders starts, not ends), and a namespace named by
// /proc/PID/ns would be gone with it. The runtime finds them as this
// process's fds. nil: the member ended first, so this one is the first
// member again and makes them.
func (e *Engine) holdNamespaces(pid int, kinds []string) map[string]string {
	paths := map[string]string{}
	var files []*os.File
	for _, kind := range kinds {
		f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/ns/" + kind)
		if err != nil {
			closeFiles(files)
			return nil
		}
		files = append(files, f)
		paths[kind] = fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), f.Fd())
	}
	if !alive(pid) { // it ended while they were opened: they may be another process's
		closeFiles(files)
		return nil
	}
	unlock := e.podns
	e.podns = func() {
		closeFiles(files)
		if unlock != nil {
			unlock()
		}
	}
	return paths
}

func closeFiles(files []*os.File) {
	for _, f := range files {
		_ = f.Close()
	}
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
// that the pod is up, in unit; a pod that shares its PID namespace gets
// its holder here, in the pod unit's cgroup.
func (e *Engine) rootlessPodUnitStart(ctx context.Context, p *model.Pod, unit string) error {
	if err := e.podUnitPIDHolder(ctx, p); err != nil {
		return err
	}
	_, err := e.store.UpdatePod(ctx, p.ID, func(p *model.Pod) error {
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
