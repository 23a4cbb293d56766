package state

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"modernc.org/sqlite"

	"github.com/podunit/podunit/engine/errdefs"
)

// SQLite's codes for a file that is not, or no longer, a sound database.
const (
	sqliteCorrupt = 11
	sqliteNotADB  = 26
)

// IsDamagedDB reports whether err says the database file itself is
// damaged (not a database, or corrupt pages), rather than one record.
func IsDamagedDB(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	c := se.Code() & 0xff
	return c == sqliteCorrupt || c == sqliteNotADB
}

// SetAside renames a damaged database (and its -wal and -shm) out of the
// way, to path.damaged-TIME, so that a new one can be made and the records
// rebuilt; the old file stays for whoever wants to look. It returns the
// new name.
func SetAside(path string) (string, error) {
	aside := fmt.Sprintf("%s.damaged-%s", path, time.Now().UTC().Format("20060102T150405Z"))
	if err := os.Rename(path, aside); err != nil {
		return "", fmt.Errorf("state database %s: setting it aside: %w", path, err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Rename(path+suffix, aside+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return aside, fmt.Errorf("state database %s: setting its %s aside: %w", path, suffix, err)
		}
	}
	return aside, nil
}

// QuickCheck runs SQLite's quick_check over the whole file: nil when it is
// sound, else an ErrCorrupt error with what SQLite found.
func (s *Store) QuickCheck(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return s.damagedDB(err)
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return s.damagedDB(err)
		}
		if line != "ok" {
			found = append(found, line)
		}
	}
	if err := rows.Err(); err != nil {
		return s.damagedDB(err)
	}
	if len(found) > 0 {
		return s.damagedDB(errors.New(strings.Join(found, "; ")))
	}
	return nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// damagedDB classes err as a damaged database file.
func (s *Store) damagedDB(err error) error {
	return fmt.Errorf("state database %s is %w: %w", s.path, errdefs.ErrCorrupt, err)
}
