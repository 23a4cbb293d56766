package state

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// DamagedError is a stored record that cannot be read: its JSON does not
// parse, or it lacks what every record must have (a name, its own ID).
// Listings skip such a record and report it; a lookup of it returns this
// error, so that rm -f and system check can still find and remove it.
type DamagedError struct {
	Kind string // "container" or "pod"
	ID   string // the row's key
	Name string // the row's name column, which may be all that is left
	Err  error  // what is wrong with it
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("%s %s: stored record is damaged: %v", e.Kind, shortID(e.ID), e.Err)
}

// Unwrap gives the class, ErrCorrupt, and the cause.
func (e *DamagedError) Unwrap() []error { return []error{errdefs.ErrCorrupt, e.Err} }

// damaged wraps cause as kind id's DamagedError.
func damaged(kind, id, name string, cause error) *DamagedError {
	return &DamagedError{Kind: kind, ID: id, Name: name, Err: cause}
}

// SetWarn makes fn the receiver of every damaged record a listing skips.
// Without it they are skipped silently.
func (s *Store) SetWarn(fn func(error)) { s.warn = fn }

// report hands each damaged record to the warn function.
func (s *Store) report(bad []*DamagedError) {
	for _, d := range bad {
		if s.warn != nil {
			s.warn(d)
		}
	}
}

// PutContainer writes c as the record of its ID, in place of whatever row
// (damaged or none) has that ID: system check rebuilds lost and damaged
// records with it. Its name must be free among the other records and its
// pod, if any, must exist.
func (s *Store) PutContainer(ctx context.Context, c *model.Container) error {
	if err := checkRecord(c); err != nil {
		return err
	}
	data, err := encode(c)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "rebuild container "+c.Name, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM containers WHERE id = ?`, c.ID); err != nil {
			return fmt.Errorf("rebuild container %s: %w", c.Name, err)
		}
		if err := checkFree(ctx, tx, c.ID, c.Name, ""); err != nil {
			return err
		}
		if err := checkPodExists(ctx, tx, podOf(c)); err != nil {
			return err
		}
		return insert(ctx, tx, c, data)
	})
}

// RemovePodRecord deletes the pod row with the given full ID whatever its
// members: system check removes damaged pod records with it.
func (s *Store) RemovePodRecord(ctx context.Context, id string) error {
	err := s.retryFull(func() error {
		_, err := s.db.ExecContext(ctx, `DELETE FROM pods WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("remove pod %s: %w", shortID(id), err)
	}
	return nil
}
