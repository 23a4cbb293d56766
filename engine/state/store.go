// Package state is podunit's record of its objects: one SQLite database that
// every podunit process opens for the length of one command, and per-object
// file locks through which concurrent commands take turns.
//
// The database runs in WAL mode with synchronous=NORMAL, so a process killed
// at any point leaves the last committed transaction intact. Every write is a
// BEGIN IMMEDIATE transaction: a writer takes the write lock before it reads,
// so two processes never deadlock upgrading read locks, and a waiting writer
// sleeps in SQLite's busy handler for up to busyTimeout.
package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	sqlite "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/podunit/podunit/engine/errdefs"
)

// busyTimeout is how long, in milliseconds, a statement waits for another
// process's lock before it fails with SQLITE_BUSY.
const busyTimeout = "10000"

// Store is the state database. It is safe for concurrent use by goroutines;
// it holds one connection, so calls from one process run one at a time.
type Store struct {
	db   *sql.DB
	path string
	warn func(error) // receives the damaged records listings skip
}

// Open opens the database at path, creating it and its directory if needed,
// and brings its schema up to date. It is cheap when the database exists.
func Open(path string) (*Store, error) { return OpenChecked(path, nil) }

// OpenChecked is Open that first asks ifNew, when the database has no
// schema yet (it is new, zero-length or emptied), whether one may be
// created there; an error from ifNew fails the open and writes nothing.
// Where there is no file at all, ifNew is asked before SQLite would make
// one (its header and WAL, the reserve beside it).
func OpenChecked(path string, ifNew func() error) (*Store, error) {
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("state database path %q: must be non-empty and without '?': %w",
			path, errdefs.ErrInvalidArgument)
	}
	if ifNew != nil && missing(path) {
		if refusal := ifNew(); refusal != nil && missing(path) { // not made meanwhile by another process
			return nil, fmt.Errorf("state database %s: %w", path, refusal)
		} else if refusal == nil {
			ifNew = nil // asked and allowed: migrate makes the schema
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("state database %s: %w", path, err)
	}
	keepWALOnce.Do(keepWAL)
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("state database %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	ensureReserve(path + ".reserve")
	s := &Store{db: db, path: path}
	err = s.migrate(context.Background(), ifNew)
	if IsDiskFull(err) && shrinkReserve(path+".reserve", openSlice) {
		err = s.migrate(context.Background(), ifNew) // reading needs room for -shm
	}
	if IsDamagedDB(err) {
		db.Close()
		return nil, s.damagedDB(err)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("state database %s: %w", path, err)
	}
	return s, nil
}

// missing reports whether there is no file at path.
func missing(path string) bool {
	_, err := os.Stat(path)
	return errors.Is(err, fs.ErrNotExist)
}

// keepWALOnce registers keepWAL with the driver, once per process.
var keepWALOnce sync.Once

// keepWAL makes every connection keep the -wal and -shm files when it
// closes (SQLITE_FCNTL_PERSIST_WAL), with the WAL truncated to nothing
// (journal_size_limit(0), in dsn) once the close has checkpointed it into
// the database file, as before. Every podunit process opens and closes the
// database once; with the files deleted at each close, each process made
// both anew (two creations, 8 page-sized writes growing the -shm, a sync of
// the new WAL's inode) and deleted them again (ab.sh: `run --rm` 1.2 ms
// faster [0.6, 2.3]). A connection that cannot keep them works as before.
func keepWAL() {
	sqlite.RegisterConnectionHook(func(c sqlite.ExecQuerierContext, _ string) error {
		if fc, ok := c.(sqlite.FileControl); ok {
			_, _ = fc.FileControlPersistWAL("main", 1)
		}
		return nil
	})
}

// mmapSize is the most of the database file a connection reads through a
// memory map (PRAGMA mmap_size) instead of read(2) into its page cache:
// without it every page a listing reads is a fresh allocation of the cache's,
// page faults and a copy (`ps -a` at 1000 containers: 2 to 3 ms of 25).
// Writes still go through write(2). An I/O error under a mapped read is a
// SIGBUS that ends the process instead of an error: what any reader of a
// failing disk meets sooner or later.
const mmapSize = "268435456"

// dsn is the driver's name for the database at path: the connection
// pragmas, and BEGIN IMMEDIATE for every transaction.
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+busyTimeout+")")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_size_limit(0)")
	q.Add("_pragma", "mmap_size("+mmapSize+")")
	q.Set("_txlock", "immediate")
	return path + "?" + q.Encode()
}

// Close closes the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("state database %s: close: %w", s.path, err)
	}
	return nil
}

// inTx runs fn in one write transaction and commits it, or rolls it back
// when fn fails. fn's error comes back as it is; what names the operation
// in begin and commit errors.
func (s *Store) inTx(ctx context.Context, what string, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", what, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", what, err)
	}
	return nil
}
