package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// AddContainer records a new container. Its ID and name must both be free,
// and its Config.Pod, if set, must be an existing pod's full ID: that is
// checked in the same transaction as the insert, so a concurrent RemovePod
// cannot leave the container a member of a pod that is gone.
func (s *Store) AddContainer(ctx context.Context, c *model.Container) error {
	if err := checkRecord(c); err != nil {
		return err
	}
	data, err := encode(c)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "add container "+c.Name, func(tx *sql.Tx) error {
		if err := checkFree(ctx, tx, c.ID, c.Name, ""); err != nil {
			return err
		}
		if err := checkPodExists(ctx, tx, podOf(c)); err != nil {
			return err
		}
		return insert(ctx, tx, c, data)
	})
}

// UpdateContainer changes the container with the given full ID in one
// write transaction: it reads the record, lets fn change it, and writes it
// back. An error from fn aborts the update and comes back as it is. fn runs
// while this process holds the database's write lock, so it must be quick
// and must not use the Store. fn may rename the container; it may not
// change its ID.
func (s *Store) UpdateContainer(ctx context.Context, id string, fn func(c *model.Container) error) (*model.Container, error) {
	var out *model.Container
	ending := false
	try := func() error {
		return s.inTx(ctx, "update container "+shortID(id), func(tx *sql.Tx) error {
			c, err := updateOne(ctx, tx, id, func(c *model.Container) error {
				err := fn(c)
				ending = c.State.Status == model.Exited || c.State.Status == model.Removing
				return err
			})
			out = c
			return err
		})
	}
	err := try()
	if IsDiskFull(err) && ending && s.ReleaseReserve() {
		err = try() // recording an end must go through on a full disk: see reserveSize
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateContainers is UpdateContainer for several containers in one write
// transaction: fn runs once for each ID, in order, and the changed records
// come back in the same order. An error from fn, or an ID that names no
// container, aborts the whole batch and nothing is written. The same rules
// as for UpdateContainer bind fn.
func (s *Store) UpdateContainers(ctx context.Context, ids []string, fn func(c *model.Container) error) ([]*model.Container, error) {
	out := make([]*model.Container, 0, len(ids))
	err := s.inTx(ctx, fmt.Sprintf("update %d containers", len(ids)), func(tx *sql.Tx) error {
		for _, id := range ids {
			c, err := updateOne(ctx, tx, id, fn)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// updateOne reads the container with the given full ID, lets fn change it,
// checks the change and writes it back, all in tx.
func updateOne(ctx context.Context, tx *sql.Tx, id string, fn func(c *model.Container) error) (*model.Container, error) {
	c, err := byID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	oldName, oldPod := c.Name, podOf(c)
	if err := fn(c); err != nil {
		return nil, err
	}
	if err := checkUpdate(ctx, tx, id, oldName, c); err != nil {
		return nil, err
	}
	if podOf(c) != oldPod {
		if err := checkPodExists(ctx, tx, podOf(c)); err != nil {
			return nil, err
		}
	}
	return c, update(ctx, tx, c)
}

// RemoveContainer deletes the container with the given full ID, keeping
// its exit code a while (RemovedExitCode) if it ever ended.
func (s *Store) RemoveContainer(ctx context.Context, id string) error {
	what := "remove container " + shortID(id)
	var n int64
	err := s.retryFull(func() error {
		return s.inTx(ctx, what, func(tx *sql.Tx) error {
			err := keepExit(ctx, tx, id, time.Now())
			if err == nil {
				var res sql.Result
				if res, err = tx.ExecContext(ctx, `DELETE FROM containers WHERE id = ?`, id); err == nil {
					n, err = res.RowsAffected()
				}
			}
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return notFoundID(id)
	}
	return nil
}

// checkUpdate refuses a change of ID, a renaming onto a taken name, and a
// record the store cannot key.
func checkUpdate(ctx context.Context, tx *sql.Tx, id, oldName string, c *model.Container) error {
	if c.ID != id {
		return fmt.Errorf("container %s: ID cannot change (to %q): %w",
			shortID(id), c.ID, errdefs.ErrInvalidArgument)
	}
	if err := checkRecord(c); err != nil {
		return err
	}
	if c.Name == oldName {
		return nil
	}
	return checkFree(ctx, tx, "", c.Name, id)
}

// checkFree fails with ErrAlreadyExists when a container other than self
// has the ID id or the name name.
func checkFree(ctx context.Context, tx *sql.Tx, id, name, self string) error {
	var gotID, gotName string
	err := tx.QueryRowContext(ctx,
		`SELECT id, name FROM containers WHERE (id = ? OR name = ?) AND id <> ? LIMIT 1`,
		id, name, self).Scan(&gotID, &gotName)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("container %s: %w", name, err)
	case gotName == name:
		return fmt.Errorf("container name %q is already in use by %s: %w",
			name, shortID(gotID), errdefs.ErrAlreadyExists)
	default:
		return fmt.Errorf("container ID %s is already in use by container %q: %w",
			id, gotName, errdefs.ErrAlreadyExists)
	}
}

// insert writes a new row for c.
func insert(ctx context.Context, tx *sql.Tx, c *model.Container, data string) error {
	_, err := tx.ExecContext(ctx,
		`INSERT INTO containers (id, name, created, pod, status, data) VALUES (?, ?, ?, ?, ?, ?)`,
		c.ID, c.Name, c.Created.UnixNano(), podOf(c), string(c.State.Status), data)
	if err != nil {
		return fmt.Errorf("add container %s: %w", c.Name, err)
	}
	return nil
}

// update writes c over its row, putting c's times in UTC as stored.
func update(ctx context.Context, tx *sql.Tx, c *model.Container) error {
	toUTC(c)
	data, err := encode(c)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx,
		`UPDATE containers SET name = ?, created = ?, pod = ?, status = ?, data = ? WHERE id = ?`,
		c.Name, c.Created.UnixNano(), podOf(c), string(c.State.Status), data, c.ID)
	if err != nil {
		return fmt.Errorf("update container %s: %w", c.Name, err)
	}
	return nil
}

// podOf is the full ID of the pod c belongs to, or "" for none.
func podOf(c *model.Container) string { return c.Config.Pod }

// ColumnsOutOfStep lists the containers whose name, pod or status column
// says other than the record they are written from (insert, update): what
// the listings select and order by (ps by the status), read without the
// record. Nothing but a hand-made change of the table puts them out of step;
// a damaged record is not compared. UpdateContainer with a function that
// changes nothing writes them again.
func (s *Store) ColumnsOutOfStep(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM containers WHERE json_valid(data) AND (
		name IS NOT coalesce(json_extract(data, '$.name'), '') OR
		pod IS NOT coalesce(json_extract(data, '$.config.pod'), '') OR
		status IS NOT coalesce(json_extract(data, '$.state.status'), ''))`)
	if err != nil {
		return nil, fmt.Errorf("compare containers' columns with their records: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("compare containers' columns with their records: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
