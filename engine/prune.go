package engine

import (
	"context"
	"errors"

	"github.com/podunit/podunit/engine/errdefs"
)

// PruneOptions are `system prune` flags.
type PruneOptions struct {
	All     bool // every image no container uses, not only the untagged
	Volumes bool // also every volume no container uses
	// Filter, if set, limits what goes (pods excepted, as in Podman):
	// --filter label=, label!=, until= (CompilePruneFilter).
	Filter PruneFilter
}

// PruneReport is what system prune removed, by kind, and the space freed.
type PruneReport struct {
	Containers, Pods, Networks, Volumes, Images []string
	Reclaimed                                   int64
}

// SystemPrune removes the containers that do not run, the pods none of
// whose members run, the networks and (with Volumes) volumes nothing uses,
// and the untagged images (with All, every image no container uses).
// Failures are joined; what went is reported either way.
func (e *Engine) SystemPrune(ctx context.Context, o PruneOptions) (*PruneReport, error) {
	r := &PruneReport{}
	errs := []error{e.pruneContainers(ctx, r, o.Filter), e.prunePods(ctx, r)}
	names, err := e.pruneNetworks(ctx, o.Filter)
	r.Networks, errs = names, append(errs, err)
	if o.Volumes {
		errs = append(errs, e.pruneVolumes(ctx, r, o.Filter))
	}
	errs = append(errs, e.pruneImages(ctx, r, o.All, o.Filter))
	return r, errors.Join(errs...)
}

// pruneContainers removes every container that does not run (nor is
// paused) and that keep allows.
func (e *Engine) pruneContainers(ctx context.Context, r *PruneReport, keep PruneFilter) error {
	all, err := e.Containers(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range all {
		if !containerPrunable(c, keep) {
			continue
		}
		size, _ := e.images.RootfsSize(c.ID)
		if err := e.Remove(ctx, c.ID, RemoveOptions{}); err != nil && !errdefs.IsNotFound(err) {
			errs = append(errs, err)
			continue
		}
		r.Containers, r.Reclaimed = append(r.Containers, c.ID), r.Reclaimed+size
	}
	return errors.Join(errs...)
}

// prunePods removes every pod none of whose members runs.
func (e *Engine) prunePods(ctx context.Context, r *PruneReport) error {
	pods, err := e.Pods(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range pods {
		_, status, err := e.PodStatus(ctx, p)
		if err != nil || status == "Running" || status == "Degraded" {
			errs = append(errs, err)
			continue
		}
		if err := e.PodRemove(ctx, p.ID, false, nil); err != nil && !errdefs.IsNotFound(err) {
			errs = append(errs, err)
			continue
		}
		r.Pods = append(r.Pods, p.ID)
	}
	return errors.Join(errs...)
}

// pruneVolumes removes every volume no container uses that keep allows.
func (e *Engine) pruneVolumes(ctx context.Context, r *PruneReport, keep PruneFilter) error {
	sizes := map[string]int64{}
	if vols, err := e.Volumes(ctx); err == nil {
		for _, v := range vols {
			sizes[v.Name] = dirSize(v.Mountpoint)
		}
	}
	names, err := e.VolumePruneFiltered(ctx, keep)
	for _, n := range names {
		r.Reclaimed += sizes[n]
	}
	r.Volumes = names
	return err
}

// pruneImages removes the untagged images (all: every image) that no
// storage container, of podunit or another engine, uses and keep allows.
func (e *Engine) pruneImages(ctx context.Context, r *PruneReport, all bool, keep PruneFilter) error {
	imgs, err := e.images.List(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, i := range imgs {
		if !all && len(i.Names) > 0 || !e.imagePrunable(ctx, i, keep) {
			continue
		}
		removed, err := e.images.RemoveUnused(i.ID)
		errs = append(errs, err)
		if removed {
			r.Images, r.Reclaimed = append(r.Images, i.ID), r.Reclaimed+i.Size
		}
	}
	return errors.Join(errs...)
}

// PodPrune removes every pod none of whose members runs and returns
// their IDs.
func (e *Engine) PodPrune(ctx context.Context) ([]string, error) {
	r := &PruneReport{}
	err := e.prunePods(ctx, r)
	return r.Pods, err
}
