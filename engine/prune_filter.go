package engine

import (
	"context"
	"errors"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/filter"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/network"
)

// PruneFilter is a compiled prune --filter: it tells whether an object,
// by its labels and creation time, may be pruned. Nil lets everything.
type PruneFilter func(labels map[string]string, created time.Time) bool

// pruneObject is what a prune filter reads of any kind of object.
type pruneObject struct {
	labels  map[string]string
	created time.Time
}

// CompilePruneFilter reads the prune verbs' --filter arguments as Podman
// takes them: label=KEY[=VALUE], label!=KEY[=VALUE] and until=TIME
// (objects created before TIME). A bad argument is an invalid-argument
// error naming it; no arguments give a nil filter.
func CompilePruneFilter(args []string, now time.Time) (PruneFilter, error) {
	if len(args) == 0 {
		return nil, nil
	}
	labels := func(o pruneObject) map[string]string { return o.labels }
	match, err := filter.Compile(args, filter.Rules[pruneObject]{
		"label":  filter.Label(labels),
		"label!": filter.NotLabel(labels),
		"until":  filter.Until(func(o pruneObject) time.Time { return o.created }, now),
	})
	if err != nil {
		return nil, err
	}
	return func(l map[string]string, c time.Time) bool { return match(pruneObject{l, c}) }, nil
}

// allows reports whether f lets an object be pruned.
func (f PruneFilter) allows(labels map[string]string, created time.Time) bool {
	return f == nil || f(labels, created)
}

// ContainerPrune removes every container that does not run and that keep
// allows, and returns their IDs.
func (e *Engine) ContainerPrune(ctx context.Context, keep PruneFilter) ([]string, error) {
	r := &PruneReport{}
	err := e.pruneContainers(ctx, r, keep)
	return r.Containers, err
}

// VolumePruneFiltered is VolumePrune for the volumes keep allows.
func (e *Engine) VolumePruneFiltered(ctx context.Context, keep PruneFilter) ([]string, error) {
	all, err := e.store.Volumes(ctx)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, v := range all {
		if !keep.allows(v.Labels, v.Created) {
			continue
		}
		err := e.VolumeRemove(ctx, v.Name, false)
		switch {
		case err == nil:
			removed = append(removed, v.Name)
		case !errdefs.IsConflict(err) && !errdefs.IsNotFound(err):
			return removed, err
		}
	}
	return removed, nil
}

// pruneNetworks removes every network no container or pod uses, but the
// default one, that keep allows; it returns their names.
func (e *Engine) pruneNetworks(ctx context.Context, keep PruneFilter) ([]string, error) {
	list, err := e.networks().List()
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, n := range list {
		if !keep.allows(n.Labels, n.Created) {
			continue
		}
		cs, ps, err := e.NetworkUsers(ctx, n.Name)
		if err != nil || len(cs)+len(ps) > 0 || n.Name == network.DefaultName {
			errs = append(errs, err)
			continue
		}
		if err := e.NetworkRemove(ctx, n.Name, false, nil); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, n.Name)
	}
	return removed, errors.Join(errs...)
}

// containerPrunable reports whether prune may remove c: it neither runs
// nor is paused, and keep allows it.
func containerPrunable(c *model.Container, keep PruneFilter) bool {
	switch c.State.Status {
	case model.Running, model.Stopping, model.Paused:
		return false
	}
	return keep.allows(c.Config.Labels, c.Created)
}

// imagePrunable reports whether keep allows the image; its labels are
// read only when keep needs them.
func (e *Engine) imagePrunable(ctx context.Context, i image.Summary, keep PruneFilter) bool {
	if keep == nil {
		return true
	}
	in, err := e.images.Inspect(ctx, i.ID)
	if err != nil {
		return false // gone meanwhile or unreadable: not this prune's to remove
	}
	return keep(in.Labels, i.Created)
}
