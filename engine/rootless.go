package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/network"
	"github.com/podunit/podunit/engine/oci"
	"github.com/podunit/podunit/engine/rootless"
	"github.com/podunit/podunit/engine/spec"
	"github.com/podunit/podunit/engine/systemd"
)

// Rootless says the engine works for an unprivileged user, inside the user
// namespace engine/rootless made (uid 0 there is UID here). Storage and
// run root then come from storage.conf's per-user defaults.
//
// Outside: the engine runs as the user on the host, in no user namespace,
// for a verb that needs none to begin (cmd/podunit's beginsOutside: the
// record readers, stop, kill, and the verbs that work in a running
// container): the state database, run root and locks are the user's own
// files there, and the user owns every container's namespace. What only
// the namespace gives (containers/storage, a runtime, a state database
// not made yet) returns rootless.ErrOutside, and the command runs again inside; what
// needs a running container's namespace (exec, healthcheck run, top, cp)
// returns a NotHereError, and the command runs again in that namespace.
type Rootless struct {
	On         bool
	Outside    bool
	UID, GID   int    // the user's IDs on the host
	RuntimeDir string // $XDG_RUNTIME_DIR: where the user manager's socket is
}

// rootlessNetwork resolves --network for a rootless engine, where podunit
// makes no bridge yet: the default is pasta (as Podman's; pasta must be
// installed), slirp4netns the alternative, none a namespace with only lo. done is false for the
// modes that work as they do for root.
func (e *Engine) rootlessNetwork(mode string) (resolved string, done bool, err error) {
	if !e.cfg.Rootless.On {
		return "", false, nil
	}
	switch mode {
	case "none":
		return "none", true, nil
	case "", "private", pastaMode: // private: a namespace of its own on the default network, as Podman's
		_, err := network.PastaBinary()
		return pastaMode, true, err
	case slirpMode:
		_, err := network.SlirpBinary()
		return slirpMode, true, err
	case "bridge":
		return "", true, fmt.Errorf("--network %s: rootless podunit has no such network yet; use --network pasta or none: %w",
			mode, errdefs.ErrNotImplemented)
	}
	if strings.HasPrefix(mode, pastaMode+":") || strings.HasPrefix(mode, slirpMode+":") {
		return "", true, fmt.Errorf("containers.conf netns = %q: give pasta's or slirp4netns's options with --network, "+
			"or pasta's in [network] pasta_options: %w", mode, errdefs.ErrInvalidArgument)
	}
	return "", false, nil
}

// publishes reports whether -p works with network mode: a network's, or
// pasta's or slirp4netns's forwarding.
func publishes(mode string) bool { return isNetwork(mode) || mode == pastaMode || mode == slirpMode }

// rootlessInput fits a rootless container's spec to what an unprivileged
// user may do: no cgroup of its own (this hybrid host delegates none to a
// user outside systemd, so an attached run gets none) and so no cgroup
// limits, which are dropped with a warning, as Podman does on cgroup v1.
func (e *Engine) rootlessInput(in *spec.Input, rt *oci.Runtime) *oci.Runtime {
	if !e.cfg.Rootless.On {
		return rt
	}
	in.CgroupsPath = ""
	asked := in.PidsLimit > 0
	in.PidsLimit = -1 // not the default limit: there is no cgroup to hold it
	if (dropCgroupLimits(&in.Limits) || asked) && e.cfg.Warn != nil {
		e.cfg.Warn(fmt.Errorf("container %q: rootless containers get no cgroup here: memory, CPU and pids "+
			"limits are ignored", in.Name))
	}
	own := *rt
	own.NoCgroups = own.Name == "crun" // runc has no such switch; its rootless mode skips cgroups it cannot make
	return &own
}

// dropCgroupLimits clears the limits only a cgroup enforces and reports
// whether any was set. Ulimits, sysctls, /dev/shm and the OOM score stay.
func dropCgroupLimits(l *spec.Limits) bool {
	had := l.Memory != 0 || l.MemorySwap != 0 || l.MemoryReservation != 0 || l.CPUQuota != 0 ||
		l.CPUShares != 0 || l.CpusetCPUs != "" || l.CpusetMems != ""
	l.Memory, l.MemorySwap, l.MemoryReservation = 0, 0, 0
	l.CPUQuota, l.CPUPeriod, l.CPUShares = 0, 0, 0
	l.CpusetCPUs, l.CpusetMems = "", ""
	return had
}

// dial connects to the service manager that runs this engine's units: the
// system's, or for a rootless engine the user's own.
func (e *Engine) dial(ctx context.Context) (*systemd.Conn, error) {
	if e.cfg.Rootless.On {
		return systemd.ConnectUser(ctx, e.cfg.Rootless.RuntimeDir, e.cfg.Rootless.UID)
	}
	return systemd.Connect(ctx)
}

// unitsHere reports whether a service manager that runs this engine's
// units is up: systemd as PID 1 and, for a rootless engine, the user's own
// manager (without it no unit of the user's can exist, so system check
// has none to look at).
func (e *Engine) unitsHere() bool {
	if !systemd.Available() {
		return false
	}
	return !e.cfg.Rootless.On || rootless.UserManager("", e.cfg.Rootless.RuntimeDir, e.cfg.Rootless.UID) == nil
}

// notifyReady tells systemd the unit is up. A rootless unit-start is not
// the unit's main process (the podunit that entered the user namespace
// is), so systemd finds its unit by its cgroup, which it can read only
// while the process lives: the barrier keeps it until systemd has read
// READY=1 (without it, an exit first left the unit starting until its
// timeout: "Cannot find unit for notify message").
func (e *Engine) notifyReady() error {
	if _, err := systemd.Notify("READY=1"); err != nil || !e.cfg.Rootless.On {
		return err
	}
	_, err := systemd.Barrier()
	return err
}

// rootlessLogs points a rootless engine's logs at its user manager's units,
// whose containers cs are: their output journald filed under no unit is
// found by its identifier (the unit's SyslogIdentifier=: the container's
// log tag or name for run -d, %N for the generator's).
func (e *Engine) rootlessLogs(lo *systemd.LogOptions, cs ...*model.Container) {
	if !e.cfg.Rootless.On {
		return
	}
	lo.UserUID = strconv.Itoa(e.cfg.Rootless.UID)
	for _, c := range cs {
		lo.UserIdentifiers = append(lo.UserIdentifiers, LogIdentifier(c))
		if u := strings.TrimSuffix(c.State.Unit, ".service"); u != "" && u != LogIdentifier(c) {
			lo.UserIdentifiers = append(lo.UserIdentifiers, u)
		}
	}
}

// rootlessHere checks that the running container c lives in this rootless
// engine's user namespace, where a process can be run in it; one another
// podunit started is a NotHereError, which the parent outside answers by
// running the command again in c's namespace. A pid that cannot be read
// is left to the runtime to report.
func (e *Engine) rootlessHere(c *model.Container) error {
	return e.rootlessHerePid(c.State.Pid, fmt.Sprintf("container %q", c.Name))
}

// rootlessNoFreeze says why rootless container c cannot be paused: it has
// no cgroup of its own (attached), or the user manager cannot freeze its
// unit (cause; systemd freezes only on the unified cgroup hierarchy), and
// the runtime's v1 freezer needs a cgroup an unprivileged user is not
// given.
func rootlessNoFreeze(c *model.Container, cause error) error {
	if cause == nil {
		return fmt.Errorf("cannot pause container %q: a rootless container run attached has no cgroup of its own "+
			"to freeze; run it with -d (a user unit) on a host with the unified cgroup hierarchy (cgroup v2): %w",
			c.Name, errdefs.ErrNotImplemented)
	}
	return fmt.Errorf("cannot pause container %q: the user's systemd cannot freeze %s, as it freezes only on "+
		"the unified cgroup hierarchy (cgroup v2), and rootless podunit has no other freezer: %w",
		c.Name, c.State.Unit, cause)
}
