package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// SetContainerGraph records what the rootfs of the container with full ID
// id was made of; nil forgets it. It is kept in its own column, not in the
// record: inspect reads it, listings never do.
func (s *Store) SetContainerGraph(ctx context.Context, id string, g *model.Graph) error {
	text := ""
	if g != nil {
		b, err := json.Marshal(g)
		if err != nil {
			return fmt.Errorf("container %s: rootfs graph: %w", shortID(id), err)
		}
		text = string(b)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE containers SET graph = ? WHERE id = ?`, text, id)
	if err != nil {
		return fmt.Errorf("container %s: record rootfs graph: %w", shortID(id), err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("no container with ID %s: %w", id, errdefs.ErrNotFound)
	}
	return nil
}

// ContainerGraph is what SetContainerGraph recorded for the container with
// full ID id: nil where nothing is (a record rebuilt by system check, or
// made before podunit kept it), or where what is there does not decode.
func (s *Store) ContainerGraph(ctx context.Context, id string) (*model.Graph, error) {
	var text string
	err := s.db.QueryRowContext(ctx, `SELECT graph FROM containers WHERE id = ?`, id).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("no container with ID %s: %w", id, errdefs.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("container %s: rootfs graph: %w", shortID(id), err)
	}
	if text == "" {
		return nil, nil
	}
	var g model.Graph
	if json.Unmarshal([]byte(text), &g) != nil {
		return nil, nil // the caller asks storage, which knows
	}
	return &g, nil
}
