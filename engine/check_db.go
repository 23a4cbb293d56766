package engine

import (
	"context"
	"fmt"

	"github.com/podunit/podunit/engine/state"
)

// setAside moves a damaged state database out of the way and opens a new
// one in its place; the records are rebuilt by system check.
func (e *Engine) setAside(path string) (*state.Store, error) {
	aside, err := state.SetAside(path)
	if err != nil {
		return nil, err
	}
	if e.cfg.Warn == nil {
		return state.OpenChecked(path, nil)
	}
	e.cfg.Warn(fmt.Errorf("state database %s is damaged: set aside as %s; its records are rebuilt from what exists", path, aside))
	store, err := state.OpenChecked(path, nil)
	if err == nil {
		store.SetWarn(e.cfg.Warn)
	}
	return store, err
}

// damagedDatabase runs SQLite's own check of the state database. Repair
// (with --force: records only it held, such as pods, are lost) sets the
// file aside and starts a new one, which the later steps fill.
func (k *checker) damagedDatabase(ctx context.Context) error {
	err := k.e.store.QuickCheck(ctx)
	if err == nil {
		return nil
	}
	path := k.e.store.Path()
	k.found("state database", path, err.Error(), true, FixedRemoved, func() error {
		if err := k.e.store.Close(); err != nil {
			return err
		}
		store, err := k.e.setAside(path)
		if err != nil {
			return err
		}
		k.e.store = store
		return nil
	})
	return nil
}
