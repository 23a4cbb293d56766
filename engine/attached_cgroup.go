package engine

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/podunit/podunit/engine/cgroups"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/systemd"
)

// attachedCgroup is where a container run in the foreground lives. Under
// systemd, this process first moves into a delegated scope of its own
// (podunit-ID.scope) and the container's cgroup is a child of it, as a
// unit's container is a child of its unit's cgroup: systemd accounts for
// it, and never removes it. A cgroup of podunit's own outside every unit
// (/podunit/ID) is not safe there: whenever systemd realizes the root slice
// again (the last delegated unit stopped, say), it removes every empty
// cgroup below it on the v1 hierarchies that no unit needs, and so took a
// cgroup the runtime had just made and not yet entered. Without systemd,
// or when it cannot be reached, it is the cgroupfs path /podunit/ID.
func (e *Engine) attachedCgroup(ctx context.Context, id string) (string, error) {
	fallback := "/podunit/" + id
	if !e.attachedInScope() {
		return fallback, nil
	}
	conn, err := e.connect(ctx)
	if err != nil {
		// a manager that cannot be reached starts no units either: run as
		// without one rather than not at all
		return fallback, nil
	}
	defer conn.Close()
	scope, err := conn.EnterScope(ctx, names.AttachedScope(id), "podunit container "+id)
	if err != nil {
		return "", fmt.Errorf("container %s: a scope to run it in: %w", id, err)
	}
	return scope + "/container", nil
}

// attachedInScope says whether a container run in the foreground runs in a
// scope of its own: under systemd, and not rootless (the runtime then makes
// no cgroup at all).
func (e *Engine) attachedInScope() bool { return systemd.Available() && !e.cfg.Rootless.On }

// dropAttachedCgroup removes what is left of an attached run's cgroups once
// its container is gone: the runtime made the scope's directory in the
// hierarchies systemd does not manage too, and systemd leaves those. The
// scope itself ends when this process exits.
func dropAttachedCgroup(id string) {
	own, err := systemd.OwnCgroup()
	if err != nil || path.Base(own) != names.AttachedScope(id) {
		return
	}
	// best effort: a cgroup that stays is seen by system check's census
	_ = cgroups.DefaultRoot.RemoveEmpty(own)
}

// dropUnitCgroup removes, from a unit's ExecStopPost=, the unit's cgroup
// directories that systemd will not: those the runtime made (mkdir -p of
// the container's cgroup) in the hierarchies systemd does not manage.
// Where this process is (the unit's cgroup, or its ".control" child for a
// delegated unit) nothing is removed.
func dropUnitCgroup() {
	own, err := systemd.OwnCgroup()
	if err != nil {
		return
	}
	unit := strings.TrimSuffix(own, "/.control")
	if !strings.HasSuffix(unit, ".service") {
		return
	}
	_ = cgroups.DefaultRoot.RemoveEmpty(unit) // best effort, as dropAttachedCgroup
}

// dropSliceCgroup removes a stopped pod slice's directories in the
// hierarchies systemd does not manage, which the runtime made as parents
// of its members' cgroups.
func dropSliceCgroup(slice string) {
	_ = cgroups.DefaultRoot.RemoveEmpty(path.Dir(names.SliceCgroup(slice, "x"))) // best effort
}
