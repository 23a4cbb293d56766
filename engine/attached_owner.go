package engine

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// ownerFile, in the bundle of a container run attached, is flocked (shared)
// by the podunit that runs it for as long as that podunit may still record
// its end. Another process that finds the container's init gone (Refresh)
// leaves the end to that podunit while the lock is held, as it leaves a
// unit's end to the unit's cleanup: otherwise it recorded an unknown end
// (-1), which `wait` printed, in the moment between the init's exit and the
// attached run's own record of its code.
const ownerFile = "owner.lock"

// holdOwner takes the owner lock of the container whose bundle is bundle;
// release drops it. The lock goes with this process, should it die.
func holdOwner(bundle string) (release func(), err error) {
	f, err := os.OpenFile(filepath.Join(bundle, ownerFile), os.O_RDONLY|os.O_CREATE|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_SH); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

// ownerLives reports whether a podunit running the container of bundle
// attached still holds its owner lock.
func ownerLives(bundle string) bool {
	f, err := os.OpenFile(filepath.Join(bundle, ownerFile), os.O_RDONLY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	return errors.Is(err, unix.EWOULDBLOCK)
}
