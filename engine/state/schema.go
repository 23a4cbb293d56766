package state

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/podunit/podunit/engine/errdefs"
)

// migrations[i] takes the schema from version i to version i+1; the
// database's PRAGMA user_version is the number applied. Append only: never
// edit an entry that has shipped.
var migrations = []string{
	// 1: containers, one row each; data is the JSON of model.Container.
	`CREATE TABLE containers (
		id      TEXT PRIMARY KEY,
		name    TEXT UNIQUE NOT NULL,
		created INTEGER NOT NULL,
		data    TEXT NOT NULL
	)`,
	// 2: pods, one row each; data is the JSON of model.Pod. Pod names are
	// their own namespace: a pod and a container may share a name.
	`CREATE TABLE pods (
		id      TEXT PRIMARY KEY,
		name    TEXT UNIQUE NOT NULL,
		created INTEGER NOT NULL,
		data    TEXT NOT NULL
	)`,
	// 3: each container's pod (Config.Pod, "" for none), indexed so that a
	// pod's members are found without reading every record.
	`ALTER TABLE containers ADD COLUMN pod TEXT NOT NULL DEFAULT '';
	UPDATE containers SET pod = coalesce(CASE WHEN json_valid(data) THEN json_extract(data, '$.config.pod') END, '');
	CREATE INDEX containers_pod ON containers (pod, created, id)`,
	// 4: named volumes, one row each; data is the JSON of model.Volume.
	// Which containers use a volume is read from their mounts.
	`CREATE TABLE volumes (
		name    TEXT PRIMARY KEY,
		created INTEGER NOT NULL,
		data    TEXT NOT NULL
	)`,
	// 5: the exit codes of removed containers, kept for exitKeep after the
	// removal (Podman's exit code table), so that a wait begun before an
	// --rm container's end still gets its code: see exits.go.
	`CREATE TABLE exits (
		id      TEXT PRIMARY KEY,
		name    TEXT NOT NULL,
		code    INTEGER NOT NULL,
		error   TEXT NOT NULL,
		removed INTEGER NOT NULL
	);
	CREATE INDEX exits_name ON exits (name, removed)`,
	// 6: what each container's rootfs was made of (the JSON of
	// model.Graph, '' where unknown), apart from data so that listings do
	// not decode its paths: see graph.go.
	`ALTER TABLE containers ADD COLUMN graph TEXT NOT NULL DEFAULT ''`,
	// 7: each container's recorded status (State.Status), apart from data so
	// that `ps` without -a finds the running ones without decoding every
	// record. A damaged record (no valid JSON) gets '' and stays listed as
	// damaged by the full listings.
	`ALTER TABLE containers ADD COLUMN status TEXT NOT NULL DEFAULT '';
	UPDATE containers SET status = coalesce(CASE WHEN json_valid(data) THEN json_extract(data, '$.state.status') END, '')`,
}

// querier is what *sql.DB and *sql.Tx share for reading one row.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// migrate brings the schema up to date. The common case, a current schema,
// costs one read of the header.
func (s *Store) migrate(ctx context.Context, ifNew func() error) error {
	v, err := userVersion(ctx, s.db)
	if err != nil {
		return err
	}
	if v == 0 && ifNew != nil {
		if v, err = checkNew(ctx, s.db, ifNew); err != nil {
			return err
		}
	}
	if v == len(migrations) {
		return nil
	}
	if err := knownVersion(v); err != nil {
		return err
	}
	return s.inTx(ctx, "schema upgrade", func(tx *sql.Tx) error {
		return upgrade(ctx, tx)
	})
}

// upgrade applies the migrations the database lacks. It reads the version
// again under the write lock, as another process may have upgraded first.
func upgrade(ctx context.Context, tx *sql.Tx) error {
	v, err := userVersion(ctx, tx)
	if err != nil {
		return err
	}
	if err := knownVersion(v); err != nil {
		return err
	}
	for i := v; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("schema upgrade to version %d: %w", i+1, err)
		}
	}
	_, err = tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations)))
	if err != nil {
		return fmt.Errorf("schema upgrade: set version: %w", err)
	}
	return nil
}

// checkNew asks ifNew about a database without a schema. A refusal stands
// unless another process has made the schema meanwhile: at a first start,
// a concurrent command may already have made it and then its objects.
func checkNew(ctx context.Context, q querier, ifNew func() error) (int, error) {
	refusal := ifNew()
	if refusal == nil {
		return 0, nil
	}
	v, err := userVersion(ctx, q)
	if err != nil || v == 0 {
		return 0, refusal
	}
	return v, nil
}

// knownVersion refuses a database written by a newer podunit.
func knownVersion(v int) error {
	if v > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this podunit knows (%d): %w",
			v, len(migrations), errdefs.ErrNotImplemented)
	}
	return nil
}

// userVersion reads the schema version.
func userVersion(ctx context.Context, q querier) (int, error) {
	var v int
	if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}
