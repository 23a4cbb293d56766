package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/podunit/podunit/engine/errdefs"
)

// Reset removes everything podunit has: containers (running ones stopped),
// pods, volumes, networks, secrets and every image no other engine's container
// uses, then whatever system check finds left. It works over damaged and
// lost records (they are rebuilt or removed first).
func (e *Engine) Reset(ctx context.Context) error {
	var errs []error
	if _, err := e.Check(ctx, CheckOptions{Repair: true, Force: true}); err != nil {
		errs = append(errs, err)
	}
	if pods, err := e.Pods(ctx); err == nil {
		for _, p := range pods {
			errs = append(errs, ignoreNotFound(e.PodRemove(ctx, p.ID, true, nil)))
		}
	}
	if ctrs, err := e.store.Containers(ctx); err == nil {
		for _, c := range ctrs {
			errs = append(errs, ignoreNotFound(e.Remove(ctx, c.ID, RemoveOptions{Force: true})))
		}
	}
	if vols, err := e.Volumes(ctx); err == nil {
		for _, v := range vols {
			errs = append(errs, ignoreNotFound(e.VolumeRemove(ctx, v.Name, true)))
		}
	}
	errs = append(errs, e.removeNetworks(ctx))
	errs = append(errs, e.removeSecrets())
	errs = append(errs, os.RemoveAll(filepath.Join(e.runDir, "seccomp"))) // compiled programs kept for crun
	r := &PruneReport{}
	errs = append(errs, e.pruneImages(ctx, r, true, nil))
	if _, err := e.Check(ctx, CheckOptions{Repair: true, Force: true}); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// removeNetworks removes every network, the default one included.
func (e *Engine) removeNetworks(ctx context.Context) error {
	list, err := e.networks().List()
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range list {
		errs = append(errs, ignoreNotFound(e.NetworkRemove(ctx, n.Name, true, nil)))
	}
	return errors.Join(errs...)
}

// ignoreNotFound drops a not-found error: someone else removed it first.
func ignoreNotFound(err error) error {
	if errdefs.IsNotFound(err) {
		return nil
	}
	return err
}
