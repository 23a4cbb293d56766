package state

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// byRef finds the rows of table %s a reference may mean, best first: an
// exact ID, then an exact name, then ID prefixes. ?2 and ?3 bound the prefix
// range; two rows are enough to tell a unique prefix from an ambiguous one.
const byRef = `SELECT id, name, data FROM %s
	WHERE id = ?1 OR name = ?1 OR (id >= ?2 AND id < ?3)
	ORDER BY id = ?1 DESC, name = ?1 DESC, id
	LIMIT 2`

// Container finds a container by exact name, full ID, or unique ID prefix.
func (s *Store) Container(ctx context.Context, ref string) (*model.Container, error) {
	return s.container(ctx, ref, true)
}

// ContainerExact finds a container by exact name or full ID, never by an
// ID prefix: what --replace and a unit file's commands name. A name that
// is no container's ("db", "b") is not found, even where it begins
// other containers' IDs.
func (s *Store) ContainerExact(ctx context.Context, ref string) (*model.Container, error) {
	return s.container(ctx, ref, false)
}

func (s *Store) container(ctx context.Context, ref string, prefix bool) (*model.Container, error) {
	m, err := s.find(ctx, "container", "containers", ref, prefix)
	if err != nil {
		return nil, err
	}
	c, err := decode(m.id, m.data)
	return c, named(err, m.name)
}

// find resolves ref among table's rows, by ID prefix too where prefix is
// set; kind names the object in errors.
func (s *Store) find(ctx context.Context, kind, table, ref string, prefix bool) (match, error) {
	if ref == "" {
		return match{}, fmt.Errorf("%s name or ID is empty: %w", kind, errdefs.ErrInvalidArgument)
	}
	lo, hi := "", "" // an empty range: no prefix matches
	if prefix {
		lo, hi = prefixRange(ref)
	}
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(byRef, table), ref, lo, hi)
	if err != nil {
		return match{}, fmt.Errorf("%s %q: %w", kind, ref, err)
	}
	defer rows.Close()
	var m []match
	for rows.Next() {
		var r match
		if err := rows.Scan(&r.id, &r.name, &r.data); err != nil {
			return match{}, fmt.Errorf("%s %q: %w", kind, ref, err)
		}
		m = append(m, r)
	}
	if err := rows.Err(); err != nil {
		return match{}, fmt.Errorf("%s %q: %w", kind, ref, err)
	}
	return pick(kind, ref, m)
}

// match is one row byRef found.
type match struct {
	id, name string
	data     []byte
}

// pick chooses among byRef's rows.
func pick(kind, ref string, m []match) (match, error) {
	switch {
	case len(m) == 0:
		return match{}, fmt.Errorf("no %s with name or ID %q found: %w", kind, ref, errdefs.ErrNotFound)
	case m[0].id == ref || m[0].name == ref || len(m) == 1:
		return m[0], nil
	default:
		return match{}, fmt.Errorf("%s ID prefix %q is ambiguous: it matches %s, %s and maybe more: %w",
			kind, ref, shortID(m[0].id), shortID(m[1].id), errdefs.ErrInvalidArgument)
	}
}

// prefixRange is the range of IDs that start with ref: every ID is lowercase
// hex, and 'g' sorts after every hex digit. A ref that cannot begin an ID
// gets an empty range.
func prefixRange(ref string) (lo, hi string) {
	if len(ref) > idLen || !isHex(ref) {
		return "", ""
	}
	return ref, ref + "g"
}

// Containers lists every container, oldest first (ties by ID), skipping
// damaged records (reported to the warn function).
func (s *Store) Containers(ctx context.Context) ([]*model.Container, error) {
	good, bad, err := s.ScanContainers(ctx)
	s.report(bad)
	return good, err
}

// ScanContainers lists every container, oldest first (ties by ID), and
// apart from them every damaged record.
func (s *Store) ScanContainers(ctx context.Context) ([]*model.Container, []*DamagedError, error) {
	// in the table's order, sorted here: for ORDER BY created, id (no index
	// has that order) SQLite would copy every row, data and all, into a
	// temporary b-tree before it returned the first
	good, bad, err := s.listContainers(ctx, "list containers", `SELECT id, name, data FROM containers`)
	slices.SortFunc(good, byCreated)
	return good, bad, err
}

// EachContainer hands fn every container whose recorded status is one of
// statuses (every container for none), in the table's order (not
// Containers' order: the caller sorts what it keeps), skipping damaged
// records (reported to the warn function). All records are decoded into one
// *model.Container, valid only until fn returns: fn may keep a copy of *c
// (its maps and slices are the record's own), never c. So a listing that
// keeps a little of each record (ps -a) does not hold a decoded record per
// container, and one of running containers (ps) decodes no other record.
// fn must not use the store: the query holds its one connection.
func (s *Store) EachContainer(ctx context.Context, statuses []model.Status, fn func(c *model.Container) error) error {
	query, args := `SELECT id, name, data FROM containers`, []any{}
	if len(statuses) > 0 {
		query += ` WHERE status IN (?` + strings.Repeat(`, ?`, len(statuses)-1) + `)`
		for _, st := range statuses {
			args = append(args, string(st))
		}
	}
	var c model.Container
	n := 0
	bad, err := s.scan(ctx, "list containers", query, args, func(id string, data []byte) error {
		n++
		if err := decodeInto(&c, id, data, unmarshalFor(n)); err != nil {
			return err
		}
		return fn(&c)
	})
	s.report(bad)
	return err
}

// byCreated orders containers as the created column and then the ID do: the
// column is Created.UnixNano() (insert, update).
func byCreated(a, b *model.Container) int {
	return cmp.Or(cmp.Compare(a.Created.UnixNano(), b.Created.UnixNano()), strings.Compare(a.ID, b.ID))
}

// PodContainers lists the containers whose Config.Pod is podID, oldest
// first (ties by ID), skipping damaged records (reported to the warn
// function). A pod with no members, or no such pod, has none.
func (s *Store) PodContainers(ctx context.Context, podID string) ([]*model.Container, error) {
	if podID == "" {
		return nil, fmt.Errorf("pod ID is empty: %w", errdefs.ErrInvalidArgument)
	}
	good, bad, err := s.listContainers(ctx, "list containers of pod "+shortID(podID),
		`SELECT id, name, data FROM containers WHERE pod = ? ORDER BY created, id`, podID)
	s.report(bad)
	return good, err
}

// listContainers decodes the (id, name, data) rows query selects, keeping
// damaged records apart; what names the listing in errors.
func (s *Store) listContainers(ctx context.Context, what, query string, args ...any) ([]*model.Container, []*DamagedError, error) {
	var good []*model.Container
	n := 0
	bad, err := s.scan(ctx, what, query, args, func(id string, data []byte) error {
		n++
		c, err := decodeWith(id, data, unmarshalFor(n))
		if err == nil {
			good = append(good, c)
		}
		return err
	})
	return good, bad, err
}

// scan runs query, whose rows are (id, name, data), and hands each row to
// fn; the damaged records fn finds come back apart, other errors end it.
// data is the driver's buffer, valid only until fn returns: no copy of a
// record's text per row (ps -a at 1000 containers allocates that much less).
func (s *Store) scan(ctx context.Context, what, query string, args []any, fn func(id string, data []byte) error) ([]*DamagedError, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var bad []*DamagedError
	for rows.Next() {
		var id, name string
		var data sql.RawBytes
		if err := rows.Scan(&id, &name, &data); err != nil {
			return bad, fmt.Errorf("%s: %w", what, err)
		}
		var d *DamagedError
		err := fn(id, data)
		switch {
		case errors.As(err, &d):
			d.Name = cmp.Or(d.Name, name)
			bad = append(bad, d)
		case err != nil:
			return bad, err
		}
	}
	if err := rows.Err(); err != nil {
		return bad, fmt.Errorf("%s: %w", what, err)
	}
	return bad, nil
}

// named fills in a damaged record's name from its row.
func named(err error, name string) error {
	var d *DamagedError
	if errors.As(err, &d) && d.Name == "" {
		d.Name = name
	}
	return err
}

// HasContainer reports whether the container with the full ID id has a
// record, without reading it (as every lock release asks).
func (s *Store) HasContainer(ctx context.Context, id string) (bool, error) {
	return s.has(ctx, "container", "containers", "id", id)
}

// HasPod reports whether the pod with the full ID id has a record, without
// reading it (as the pod's lock releases ask).
func (s *Store) HasPod(ctx context.Context, id string) (bool, error) {
	return s.has(ctx, "pod", "pods", "id", id)
}

// HasVolume reports whether volume name has a record, without reading it
// (as the volume's lock releases ask).
func (s *Store) HasVolume(ctx context.Context, name string) (bool, error) {
	return s.has(ctx, "volume", "volumes", "name", name)
}

// has asks table whether a row whose column key (a full ID, or a
// volume's name) is there.
func (s *Store) has(ctx context.Context, kind, table, column, key string) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, "SELECT 1 FROM "+table+" WHERE "+column+" = ?", key).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		if column == "id" {
			key = shortID(key)
		}
		return false, fmt.Errorf("%s %s: %w", kind, key, err)
	}
	return true, nil
}

// PodMemberNames lists the names of the pod's containers in creation
// order, without reading their records (a damaged one's name too).
func (s *Store) PodMemberNames(ctx context.Context, podID string) ([]string, error) {
	what := "list the names of pod " + shortID(podID) + "'s containers"
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM containers WHERE pod = ? ORDER BY created, id`, podID)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// byID reads the container with the given full ID.
func byID(ctx context.Context, q querier, id string) (*model.Container, error) {
	var data []byte
	err := q.QueryRowContext(ctx, `SELECT data FROM containers WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFoundID(id)
	}
	if err != nil {
		return nil, fmt.Errorf("container %s: %w", shortID(id), err)
	}
	return decode(id, data)
}

// notFoundID is the error for a full ID that names no container.
func notFoundID(id string) error {
	return fmt.Errorf("no container with ID %q found: %w", id, errdefs.ErrNotFound)
}
