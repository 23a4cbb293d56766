package engine

import (
	"context"
	"errors"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// PruneOptions are `system prune` flags.
type PruneOptions struct {
	All     bool // every image no container uses, not only the untagged
	Volumes bool // also every volume no container uses
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
	errs := []error{e.pruneContainers(ctx, r), e.prunePods(ctx, r)}
	names, err := e.NetworkPrune(ctx, nil)
	r.Networks, errs = names, append(errs, err)
	if o.Volumes {
		errs = append(errs, e.pruneVolumes(ctx, r))
	}
	errs = append(errs, e.pruneImages(ctx, r, o.All))
	return r, errors.Join(errs...)
}

// pruneContainers removes every container that does not run.
func (e *Engine) pruneContainers(ctx context.Context, r *PruneReport) error {
	all, err := e.Containers(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range all {
		if c.State.Status == model.Running || c.State.Status == model.Stopping {
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

// pruneVolumes removes every volume no container uses.
func (e *Engine) pruneVolumes(ctx context.Context, r *PruneReport) error {
	sizes := map[string]int64{}
	if vols, err := e.Volumes(ctx); err == nil {
		for _, v := range vols {
			sizes[v.Name] = dirSize(v.Mountpoint)
		}
	}
	names, err := e.VolumePrune(ctx)
	for _, n := range names {
		r.Reclaimed += sizes[n]
	}
	r.Volumes = names
	return err
}

// pruneImages removes the untagged images (all: every image) that no
// storage container, of podunit or another engine, uses.
func (e *Engine) pruneImages(ctx context.Context, r *PruneReport, all bool) error {
	imgs, err := e.images.List(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, i := range imgs {
		if !all && len(i.Names) > 0 {
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
