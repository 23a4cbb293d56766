package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// usersOf selects the containers with a volume mount of the named volume,
// oldest first; a volume is found by name only, and a container's mounts
// are the record of who uses it.
const usersOf = `SELECT c.id, c.name, c.data FROM containers c
	WHERE EXISTS (SELECT 1 FROM json_each(iif(json_valid(c.data), c.data, '{}'), '$.config.mounts') m
		WHERE json_extract(m.value, '$.type') = 'volume' AND json_extract(m.value, '$.source') = ?)
	ORDER BY c.created, c.id`

// AddVolume records a new volume; its name must be free among volumes.
func (s *Store) AddVolume(ctx context.Context, v *model.Volume) error {
	if err := checkVolumeRecord(v); err != nil {
		return err
	}
	data, err := encodeVolume(v)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "add volume "+v.Name, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM volumes WHERE name = ?`, v.Name).Scan(&one)
		switch {
		case err == nil:
			return fmt.Errorf("volume with name %q already exists: %w", v.Name, errdefs.ErrAlreadyExists)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("add volume %s: %w", v.Name, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO volumes (name, created, data) VALUES (?, ?, ?)`,
			v.Name, v.Created.UnixNano(), data)
		if err != nil {
			return fmt.Errorf("add volume %s: %w", v.Name, err)
		}
		return nil
	})
}

// Volume finds a volume by its exact name (volumes have no IDs).
func (s *Store) Volume(ctx context.Context, name string) (*model.Volume, error) {
	if name == "" {
		return nil, fmt.Errorf("volume name is empty: %w", errdefs.ErrInvalidArgument)
	}
	return volumeByName(ctx, s.db, name)
}

// Volumes lists every volume by name.
func (s *Store) Volumes(ctx context.Context) ([]*model.Volume, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, data FROM volumes ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list volumes: %w", err)
	}
	defer rows.Close()
	var out []*model.Volume
	for rows.Next() {
		var name, data string
		if err := rows.Scan(&name, &data); err != nil {
			return nil, fmt.Errorf("list volumes: %w", err)
		}
		v, err := decodeVolume(name, data)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list volumes: %w", err)
	}
	return out, nil
}

// UpdateVolume changes the named volume in one write transaction, as
// UpdateContainer does a container; fn may not rename it.
func (s *Store) UpdateVolume(ctx context.Context, name string, fn func(v *model.Volume) error) (*model.Volume, error) {
	var out *model.Volume
	err := s.inTx(ctx, "update volume "+name, func(tx *sql.Tx) error {
		v, err := volumeByName(ctx, tx, name)
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
		if v.Name != name {
			return fmt.Errorf("volume %s: name cannot change (to %q): %w", name, v.Name, errdefs.ErrInvalidArgument)
		}
		if err := checkVolumeRecord(v); err != nil {
			return err
		}
		data, err := encodeVolume(v)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE volumes SET data = ? WHERE name = ?`, data, name); err != nil {
			return fmt.Errorf("update volume %s: %w", name, err)
		}
		out = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// VolumeUsers lists the containers that mount the named volume, oldest
// first. A volume nobody uses, or no such volume, has none.
func (s *Store) VolumeUsers(ctx context.Context, name string) ([]*model.Container, error) {
	good, bad, err := s.listContainers(ctx, "containers using volume "+name, usersOf, name)
	s.report(bad)
	return good, err
}

// RemoveVolume deletes the named volume's record. It fails with
// ErrConflict, naming them, while any container mounts it; the check and
// the delete share one transaction, so no user can be added in between.
func (s *Store) RemoveVolume(ctx context.Context, name string) error {
	return s.inTx(ctx, "remove volume "+name, func(tx *sql.Tx) error {
		if _, err := volumeByName(ctx, tx, name); err != nil {
			return err
		}
		users, err := volumeUserNames(ctx, tx, name)
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return fmt.Errorf("volume %s is being used by the following %s: %s: %w",
				name, plural(len(users), "container", "containers"), strings.Join(users, ", "), errdefs.ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM volumes WHERE name = ?`, name); err != nil {
			return fmt.Errorf("remove volume %s: %w", name, err)
		}
		return nil
	})
}

// volumeUserNames is the names of the containers that mount the volume.
func volumeUserNames(ctx context.Context, tx *sql.Tx, name string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, usersOf, name)
	if err != nil {
		return nil, fmt.Errorf("containers using volume %s: %w", name, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, cname, data string
		if err := rows.Scan(&id, &cname, &data); err != nil {
			return nil, fmt.Errorf("containers using volume %s: %w", name, err)
		}
		out = append(out, cname)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("containers using volume %s: %w", name, err)
	}
	return out, nil
}

// volumeByName reads the named volume.
func volumeByName(ctx context.Context, q querier, name string) (*model.Volume, error) {
	var data string
	err := q.QueryRowContext(ctx, `SELECT data FROM volumes WHERE name = ?`, name).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("no volume with name %q found: %w", name, errdefs.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("volume %s: %w", name, err)
	}
	return decodeVolume(name, data)
}

// checkVolumeRecord refuses a volume the store cannot key.
func checkVolumeRecord(v *model.Volume) error {
	switch {
	case v == nil:
		return fmt.Errorf("volume record is nil: %w", errdefs.ErrInvalidArgument)
	case v.Name == "":
		return fmt.Errorf("volume name is empty: %w", errdefs.ErrInvalidArgument)
	case v.Driver == "":
		return fmt.Errorf("volume %s: driver is empty: %w", v.Name, errdefs.ErrInvalidArgument)
	}
	return nil
}

// encodeVolume is the stored form of v, its time in UTC; v is unchanged.
func encodeVolume(v *model.Volume) (string, error) {
	cp := *v
	cp.Created = cp.Created.UTC()
	b, err := json.Marshal(&cp)
	if err != nil {
		return "", fmt.Errorf("volume %s: encode: %w", v.Name, err)
	}
	return string(b), nil
}

// decodeVolume reads a stored volume record.
func decodeVolume(name, data string) (*model.Volume, error) {
	v := new(model.Volume)
	if err := json.Unmarshal([]byte(data), v); err != nil {
		return nil, fmt.Errorf("volume %s: stored record is corrupt: %w", name, err)
	}
	return v, nil
}
