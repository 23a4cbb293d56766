package state

import (
	"errors"
	"os"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
	"modernc.org/sqlite"
)

// reserveSize is the space kept beside the database for a full disk: enough
// for the writes that free space or record an end (a removal's few pages of
// WAL, a rewrite of containers/storage's containers.json, an exit status)
// to go through. Only those writes may free it; a create never does.
const reserveSize = 4 << 20

// SQLite's codes for a disk without room: SQLITE_FULL, "database or disk
// is full", and SQLITE_IOERR_SHMSIZE, the -shm index could not grow.
const (
	sqliteFull    = 13
	sqliteShmSize = 10 | 19<<8
)

// ensureReserve makes the reserve file whole again if it is missing or
// shrunk and the disk has room for it; a disk without room is no error
// (there is nothing to keep).
func ensureReserve(path string) {
	if st, err := os.Lstat(path); err == nil && (st.Size() >= reserveSize || !st.Mode().IsRegular()) {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	if err := unix.Fallocate(int(f.Fd()), 0, 0, reserveSize); errors.Is(err, unix.EOPNOTSUPP) {
		_, _ = f.WriteAt(make([]byte, reserveSize), 0)
	}
}

// ReleaseReserve frees the space kept for a full disk, so that the write
// that failed for want of it can be tried again. It reports whether there
// was any to free; Open makes the reserve again once there is room.
func (s *Store) ReleaseReserve() bool {
	return os.Remove(s.path+".reserve") == nil
}

// openSlice is what opening the database may take of the reserve on a full
// disk: SQLite's shared-memory index (-shm) grows in 32 KiB steps.
const openSlice = 64 << 10

// shrinkReserve frees n bytes of the reserve for a read that needs room,
// keeping the rest for the writes that free space.
func shrinkReserve(path string, n int64) bool {
	st, err := os.Lstat(path)
	if err != nil || !st.Mode().IsRegular() || st.Size() == 0 {
		return false
	}
	return os.Truncate(path, max(st.Size()-n, 0)) == nil
}

// IsDiskFull reports whether err says the disk (or the database) is full.
func IsDiskFull(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) && (se.Code()&0xff == sqliteFull || se.Code() == sqliteShmSize) {
		return true
	}
	return errors.Is(err, syscall.ENOSPC) || err != nil && strings.Contains(err.Error(), "no space left on device")
}

// retryFull runs fn, and once more after freeing the reserve if fn failed
// because the disk is full; only for writes that free space.
func (s *Store) retryFull(fn func() error) error {
	err := fn()
	if IsDiskFull(err) && s.ReleaseReserve() {
		err = fn()
	}
	return err
}
