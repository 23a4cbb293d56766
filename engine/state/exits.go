package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
)

// exitKeep is how long the exit code of a removed container is kept, as
// Podman keeps the entries of its exit code table: long enough for a wait
// that began before the removal (an --rm unit's cleanup removes the record
// within milliseconds of the end) or a script's next command.
const exitKeep = 5 * time.Minute

// RemovedExit is the exit code of a container removed after it ended, and
// why its last start failed, if it did (its State.Error).
type RemovedExit struct {
	ID, Name string
	Code     int
	Error    string
	Removed  time.Time
}

// RemovedExitCode finds the exit code of a container removed within the
// last exitKeep, by full ID or by name (the latest of that name); a
// container removed before it ever ended has none: ErrNotFound.
func (s *Store) RemovedExitCode(ctx context.Context, ref string) (RemovedExit, error) {
	var r RemovedExit
	var removed int64
	err := s.db.QueryRowContext(ctx, `SELECT id, name, code, error, removed FROM exits
		WHERE (id = ?1 OR name = ?1) AND removed >= ?2
		ORDER BY id = ?1 DESC, removed DESC LIMIT 1`, ref, time.Now().Add(-exitKeep).UnixNano()).
		Scan(&r.ID, &r.Name, &r.Code, &r.Error, &removed)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("no exit code kept for a removed container %q: %w", ref, errdefs.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("exit code of removed container %q: %w", ref, err)
	}
	r.Removed = time.Unix(0, removed).UTC()
	return r, nil
}

// keepExit notes, in the removal's own transaction, the exit code of the
// container id that is about to be removed, if it ever ended, and forgets
// the codes older than exitKeep. A record that cannot be read (damaged)
// leaves nothing.
func keepExit(ctx context.Context, tx *sql.Tx, id string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM exits WHERE removed < ?`, now.Add(-exitKeep).UnixNano()); err != nil {
		return err
	}
	c, err := byID(ctx, tx, id)
	if err != nil || c.State.FinishedAt.IsZero() {
		return nil // no record (the delete says so), or one that never ended
	}
	_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO exits (id, name, code, error, removed) VALUES (?, ?, ?, ?, ?)`,
		c.ID, c.Name, c.State.ExitCode, c.State.Error, now.UnixNano())
	return err
}
