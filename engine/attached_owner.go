package engine

import (
	"path/filepath"

	"github.com/podunit/podunit/internal/lifelock"
)

// ownerFile, in the bundle of a container run attached, is held (a shared
// flock, internal/lifelock) by the podunit that runs it for as long as that
// podunit may still record its end. Another process that finds the
// container's init gone (Refresh) leaves the end to that podunit while the
// lock is held, as it leaves a unit's end to the unit's cleanup: otherwise
// it recorded an unknown end (-1), which `wait` printed, in the moment
// between the init's exit and the attached run's own record of its code.
const ownerFile = "owner.lock"

// holdOwner takes the owner lock of the container whose bundle is bundle;
// release drops it. The lock goes with this process, should it die.
func holdOwner(bundle string) (release func(), err error) {
	return lifelock.Hold(filepath.Join(bundle, ownerFile))
}

// ownerLives reports whether a podunit running the container of bundle
// attached still holds its owner lock.
func ownerLives(bundle string) bool { return lifelock.Held(filepath.Join(bundle, ownerFile)) }
