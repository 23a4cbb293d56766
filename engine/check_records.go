package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
)

// damagedContainers finds records that cannot be read. Repair rebuilds one
// from its storage container's copy; without a copy only --force removes it.
func (k *checker) damagedContainers(ctx context.Context) error {
	_, bad, err := k.e.store.ScanContainers(ctx)
	if err != nil {
		return err
	}
	copies, err := k.copies()
	if err != nil {
		return err
	}
	for _, d := range bad {
		problem := d.Err.Error()
		if c, err := decodeCopy(copies[d.ID]); err == nil {
			k.found("container", d.ID, "damaged record: "+problem, false, FixedRecord, func() error {
				return k.rebuild(ctx, c)
			})
			continue
		}
		k.found("container", d.ID, "damaged record: "+problem, true, FixedRemoved, func() error {
			return k.e.removeDamaged(ctx, d, true)
		})
	}
	return nil
}

// columnsOutOfStep finds container rows whose name, pod or status column
// disagrees with their record: a container ps does not list as running, or
// lists though it is not. Repair writes the columns again from the record.
func (k *checker) columnsOutOfStep(ctx context.Context) error {
	ids, err := k.e.store.ColumnsOutOfStep(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		k.found("container", id, "the state database's name, pod or status column disagrees with the record", false, FixedRecord, func() error {
			_, err := k.e.store.UpdateContainer(ctx, id, func(*model.Container) error { return nil })
			return err
		})
	}
	return nil
}

// damagedPods finds pod records that cannot be read; only --force removes
// them (their members keep their own records).
func (k *checker) damagedPods(ctx context.Context) error {
	_, bad, err := k.e.store.ScanPods(ctx)
	if err != nil {
		return err
	}
	for _, d := range bad {
		k.found("pod", d.ID, "damaged record: "+d.Err.Error(), true, FixedRemoved, func() error {
			if d.Name != "" && k.e.unitsHere() {
				_ = k.e.stopUnitHard(ctx, names.PodUnit(d.Name, d.ID))
			}
			return errors.Join(unpinPodDir(k.e.runDirOf("pods", d.ID)), k.e.store.RemovePodRecord(ctx, d.ID))
		})
	}
	return nil
}

// orphanRootfs finds podunit's storage containers that have no record, and
// rebuilds the record from the copy each carries where it can.
func (k *checker) orphanRootfs(ctx context.Context) error {
	ids, err := k.recordIDs(ctx)
	if err != nil {
		return err
	}
	owned, err := k.e.images.OwnedRootfs()
	if err != nil {
		return err
	}
	for _, r := range owned {
		if ids[r.ID] {
			continue
		}
		c, err := decodeCopy(r.Record)
		if err == nil {
			err = k.canRebuild(ctx, c)
		}
		if err == nil {
			k.found("storage container", r.ID, "no record", false, FixedRecord, func() error { return k.rebuild(ctx, c) })
			continue
		}
		k.found("storage container", r.ID, fmt.Sprintf("no record, and it cannot be rebuilt: %v", err), true, FixedRemoved,
			func() error { return k.e.releaseUnknown(ctx, r.ID, r.Name, nil) })
	}
	return nil
}

// recordsWithoutRootfs finds records whose storage container is gone (a new
// one is made from the image if it is still there) and removals a crash
// interrupted (finished).
func (k *checker) recordsWithoutRootfs(ctx context.Context) error {
	all, err := k.e.store.Containers(ctx)
	if err != nil {
		return err
	}
	for _, c := range all {
		switch {
		case c.State.Status == model.Removing:
			k.found("container", c.ID, "its removal was interrupted", false, FixedRemoved, func() error {
				return k.removeRecord(ctx, c)
			})
		case k.e.images.RootfsExists(c.ID), c.Config.Rootfs != "": // --rootfs: no storage container
		case k.e.images.HasImage(c.ImageID):
			k.found("container", c.ID, "its storage container is gone", false, FixedStorage, func() error {
				return k.e.remakeRootfs(ctx, c)
			})
		default:
			k.found("container", c.ID, "its storage container and its image "+names.ShortID(c.ImageID)+" are gone",
				true, FixedRemoved, func() error { return k.removeRecord(ctx, c) })
		}
	}
	return nil
}

// removeRecord removes c as rm -f would, under c's lock.
func (k *checker) removeRecord(ctx context.Context, c *model.Container) error {
	return k.e.Remove(ctx, c.ID, RemoveOptions{Force: true})
}

// copies maps storage-container IDs to the record copies they carry.
func (k *checker) copies() (map[string][]byte, error) {
	owned, err := k.e.images.OwnedRootfs()
	if err != nil {
		return nil, err
	}
	m := make(map[string][]byte, len(owned))
	for _, r := range owned {
		m[r.ID] = r.Record
	}
	return m, nil
}

// recordIDs is the set of container IDs that have a row, damaged or not.
func (k *checker) recordIDs(ctx context.Context) (map[string]bool, error) {
	good, bad, err := k.e.store.ScanContainers(ctx)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(good)+len(bad))
	for _, c := range good {
		ids[c.ID] = true
	}
	for _, d := range bad {
		ids[d.ID] = true
	}
	return ids, nil
}

// decodeCopy reads a storage container's copy of its record.
func decodeCopy(b []byte) (*model.Container, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("it carries no copy of its record: %w", errdefs.ErrNotFound)
	}
	c := new(model.Container)
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("its copy of the record is damaged: %w", err)
	}
	if !names.IsID(c.ID) || c.Name == "" {
		return nil, fmt.Errorf("its copy of the record lacks an ID or name: %w", errdefs.ErrCorrupt)
	}
	return c, nil
}

// canRebuild says why c's record cannot be put back: its pod is gone.
func (k *checker) canRebuild(ctx context.Context, c *model.Container) error {
	if c.Config.Pod == "" {
		return nil
	}
	if _, err := k.e.store.Pod(ctx, c.Config.Pod); err != nil {
		return fmt.Errorf("its pod %s: %w", names.ShortID(c.Config.Pod), err)
	}
	return nil
}

// rebuild puts c's record back, as created: whatever of it still runs is
// stopped first, so the record never claims what is not so.
func (k *checker) rebuild(ctx context.Context, c *model.Container) error {
	if k.e.unitsHere() { // before the lock: the unit's ExecStopPost= takes it
		if err := k.e.stopUnitHard(ctx, names.ContainerUnit(c.Name, c.ID)); err != nil {
			return err
		}
	}
	unlock, err := k.e.lock(ctx, c.ID)
	if err != nil {
		return err
	}
	defer unlock()
	for _, rt := range []string{"crun", "runc"} {
		if r, err := k.e.runtimeFor(rt); err == nil {
			if err := r.Delete(ctx, c.ID, true); err != nil {
				return err
			}
		}
	}
	c.State = model.State{Status: model.Created}
	if err := k.e.release(ctx, c); err != nil {
		return err
	}
	return k.e.store.PutContainer(ctx, c)
}
