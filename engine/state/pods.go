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

// AddPod records a new pod. Its ID and name must both be free among pods;
// a container may have the same name.
func (s *Store) AddPod(ctx context.Context, p *model.Pod) error {
	if err := checkPodRecord(p); err != nil {
		return err
	}
	data, err := encodePod(p)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "add pod "+p.Name, func(tx *sql.Tx) error {
		if err := checkPodFree(ctx, tx, p.ID, p.Name, ""); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx,
			`INSERT INTO pods (id, name, created, data) VALUES (?, ?, ?, ?)`,
			p.ID, p.Name, p.Created.UnixNano(), data)
		if err != nil {
			return fmt.Errorf("add pod %s: %w", p.Name, err)
		}
		return nil
	})
}

// Pod finds a pod by exact name, full ID, or unique ID prefix.
func (s *Store) Pod(ctx context.Context, ref string) (*model.Pod, error) {
	return s.pod(ctx, ref, true)
}

// PodExact finds a pod by exact name or full ID, never by an ID prefix:
// what --replace and a unit file's commands name.
func (s *Store) PodExact(ctx context.Context, ref string) (*model.Pod, error) {
	return s.pod(ctx, ref, false)
}

func (s *Store) pod(ctx context.Context, ref string, prefix bool) (*model.Pod, error) {
	m, err := s.find(ctx, "pod", "pods", ref, prefix)
	if err != nil {
		return nil, err
	}
	p, err := decodePod(m.id, m.data)
	return p, named(err, m.name)
}

// Pods lists every pod, oldest first (ties by ID), skipping damaged
// records (reported to the warn function).
func (s *Store) Pods(ctx context.Context) ([]*model.Pod, error) {
	good, bad, err := s.ScanPods(ctx)
	s.report(bad)
	return good, err
}

// ScanPods lists every pod, oldest first (ties by ID), and apart from
// them every damaged record.
func (s *Store) ScanPods(ctx context.Context) ([]*model.Pod, []*DamagedError, error) {
	var good []*model.Pod
	bad, err := s.scan(ctx, "list pods", `SELECT id, name, data FROM pods ORDER BY created, id`, nil,
		func(id string, data []byte) error {
			p, err := decodePod(id, data)
			if err == nil {
				good = append(good, p)
			}
			return err
		})
	return good, bad, err
}

// UpdatePod changes the pod with the given full ID in one write
// transaction, as UpdateContainer does a container: an error from fn aborts
// the update and comes back as it is; fn runs under the database's write
// lock, so it must be quick and must not use the Store. fn may rename the
// pod; it may not change its ID.
func (s *Store) UpdatePod(ctx context.Context, id string, fn func(p *model.Pod) error) (*model.Pod, error) {
	var out *model.Pod
	err := s.inTx(ctx, "update pod "+shortID(id), func(tx *sql.Tx) error {
		p, err := podByID(ctx, tx, id)
		if err != nil {
			return err
		}
		old := p.Name
		if err := fn(p); err != nil {
			return err
		}
		if err := checkPodUpdate(ctx, tx, id, old, p); err != nil {
			return err
		}
		toUTCPod(p)
		data, err := encodePod(p)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx,
			`UPDATE pods SET name = ?, created = ?, data = ? WHERE id = ?`,
			p.Name, p.Created.UnixNano(), data, p.ID)
		if err != nil {
			return fmt.Errorf("update pod %s: %w", p.Name, err)
		}
		out = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RemovePod deletes the pod with the given full ID. It fails with
// ErrConflict while any container is a member; the count and the delete
// share one transaction, so no member can be added in between.
func (s *Store) RemovePod(ctx context.Context, id string) error {
	return s.inTx(ctx, "remove pod "+shortID(id), func(tx *sql.Tx) error {
		var name string
		err := tx.QueryRowContext(ctx, `SELECT name FROM pods WHERE id = ?`, id).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return notFoundPodID(id)
		}
		if err != nil {
			return fmt.Errorf("remove pod %s: %w", shortID(id), err)
		}
		var n int
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM containers WHERE pod = ?`, id).Scan(&n)
		if err != nil {
			return fmt.Errorf("remove pod %s: %w", name, err)
		}
		if n > 0 {
			return fmt.Errorf("pod %q still has %d %s: %w",
				name, n, plural(n, "container", "containers"), errdefs.ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pods WHERE id = ?`, id); err != nil {
			return fmt.Errorf("remove pod %s: %w", name, err)
		}
		return nil
	})
}

// checkPodExists fails with ErrNotFound when id, if set, names no pod.
func checkPodExists(ctx context.Context, tx *sql.Tx, id string) error {
	if id == "" {
		return nil
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM pods WHERE id = ?`, id).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("pod %s does not exist: %w", shortID(id), errdefs.ErrNotFound)
	case err != nil:
		return fmt.Errorf("pod %s: %w", shortID(id), err)
	}
	return nil
}

// checkPodUpdate refuses a change of ID, a renaming onto a taken pod name,
// and a record the store cannot key.
func checkPodUpdate(ctx context.Context, tx *sql.Tx, id, oldName string, p *model.Pod) error {
	if p.ID != id {
		return fmt.Errorf("pod %s: ID cannot change (to %q): %w",
			shortID(id), p.ID, errdefs.ErrInvalidArgument)
	}
	if err := checkPodRecord(p); err != nil {
		return err
	}
	if p.Name == oldName {
		return nil
	}
	return checkPodFree(ctx, tx, "", p.Name, id)
}

// checkPodFree fails with ErrAlreadyExists when a pod other than self has
// the ID id or the name name.
func checkPodFree(ctx context.Context, tx *sql.Tx, id, name, self string) error {
	var gotID, gotName string
	err := tx.QueryRowContext(ctx,
		`SELECT id, name FROM pods WHERE (id = ? OR name = ?) AND id <> ? LIMIT 1`,
		id, name, self).Scan(&gotID, &gotName)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("pod %s: %w", name, err)
	case gotName == name:
		return fmt.Errorf("pod name %q is already in use by %s: %w",
			name, shortID(gotID), errdefs.ErrAlreadyExists)
	default:
		return fmt.Errorf("pod ID %s is already in use by pod %q: %w",
			id, gotName, errdefs.ErrAlreadyExists)
	}
}

// podByID reads the pod with the given full ID.
func podByID(ctx context.Context, q querier, id string) (*model.Pod, error) {
	var data []byte
	err := q.QueryRowContext(ctx, `SELECT data FROM pods WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFoundPodID(id)
	}
	if err != nil {
		return nil, fmt.Errorf("pod %s: %w", shortID(id), err)
	}
	return decodePod(id, data)
}

// notFoundPodID is the error for a full ID that names no pod.
func notFoundPodID(id string) error {
	return fmt.Errorf("no pod with ID %q found: %w", id, errdefs.ErrNotFound)
}

// checkPodRecord refuses a pod the store cannot key.
func checkPodRecord(p *model.Pod) error {
	switch {
	case p == nil:
		return fmt.Errorf("pod record is nil: %w", errdefs.ErrInvalidArgument)
	case len(p.ID) != idLen || !isHex(p.ID):
		return fmt.Errorf("pod %q: ID %q is not %d hex digits: %w",
			p.Name, p.ID, idLen, errdefs.ErrInvalidArgument)
	case p.Name == "":
		return fmt.Errorf("pod %s: name is empty: %w", shortID(p.ID), errdefs.ErrInvalidArgument)
	}
	return nil
}

// toUTCPod puts p's times in UTC, as toUTC does a container's.
func toUTCPod(p *model.Pod) {
	p.Created = p.Created.UTC()
}

// encodePod is the stored form of p, with its times in UTC; p is unchanged.
func encodePod(p *model.Pod) (string, error) {
	cp := *p
	toUTCPod(&cp)
	b, err := json.Marshal(&cp)
	if err != nil {
		return "", fmt.Errorf("pod %s: encode: %w", p.Name, err)
	}
	return string(b), nil
}

// decodePod reads a stored pod record.
func decodePod(id string, data []byte) (*model.Pod, error) {
	p := new(model.Pod)
	if err := json.Unmarshal(data, p); err != nil {
		return nil, damaged("pod", id, "", err)
	}
	if p.ID != id {
		return nil, damaged("pod", id, p.Name, fmt.Errorf("it holds the ID %q", p.ID))
	}
	if err := checkPodRecord(p); err != nil {
		return nil, damaged("pod", id, p.Name, err)
	}
	return p, nil
}

// plural is one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
