package state

import (
	"context"
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// errHeld says another open file description holds the lock.
var errHeld = errors.New("lock is held")

// Polling intervals while another process holds a lock: flock(2) cannot be
// interrupted when a context ends, so waiters poll with LOCK_NB, backing off.
const (
	firstPoll = time.Millisecond
	maxPoll   = 10 * time.Millisecond
)

// lockFile opens path and takes an exclusive flock on it. If the file was
// removed (Locks.Remove) while this process waited, the lock it got guards
// nothing any more, so it starts again on the file now at path.
func lockFile(ctx context.Context, path string, wait bool) (*os.File, error) {
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, err
		}
		if err := flock(ctx, f, wait); err != nil {
			f.Close()
			return nil, err
		}
		same, err := stillAt(f, path)
		if same || err != nil {
			return closeOnErr(f, err)
		}
		f.Close()
	}
}

// flock takes an exclusive flock on f, polling until ctx is done if wait.
func flock(ctx context.Context, f *os.File, wait bool) error {
	delay := firstPoll
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EINTR):
			continue
		case !errors.Is(err, unix.EWOULDBLOCK):
			return &os.PathError{Op: "flock", Path: f.Name(), Err: err}
		case !wait:
			return errHeld
		}
		if err := sleep(ctx, delay); err != nil {
			return err
		}
		delay = min(2*delay, maxPoll)
	}
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stillAt reports whether f is the file now at path.
func stillAt(f *os.File, path string) (bool, error) {
	held, err := f.Stat()
	if err != nil {
		return false, err
	}
	now, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(held, now), nil
}

// closeOnErr returns f, or closes it when err is set.
func closeOnErr(f *os.File, err error) (*os.File, error) {
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// unlockFile releases f's lock and closes it.
func unlockFile(f *os.File) {
	_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
	f.Close()
}
