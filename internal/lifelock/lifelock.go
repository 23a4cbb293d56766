// Package lifelock marks that a process lives, by a shared flock(2) on a
// file that it holds for as long as it has something left to do, and lets
// another process ask whether anyone still holds it. The lock goes with the
// holder's life however it ends, so a killed holder is never taken for a
// live one.
package lifelock

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// Hold creates path if need be and holds a shared lock on it until release.
// The descriptor is close-on-exec: the processes the holder starts do not
// hold it.
func Hold(path string) (release func(), err error) {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_SH); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

// Held reports whether some process holds the lock on path; no file, no
// holder.
func Held(path string) bool {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	return errors.Is(unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB), unix.EWOULDBLOCK)
}
