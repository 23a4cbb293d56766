package locks

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/internal/ctxsleep"
)

// errHeld says another open file description holds the lock.
var errHeld = errors.New("lock is held")

// Polling while another process holds a lock: flock(2) cannot be
// interrupted when a context ends, so waiters poll with LOCK_NB. The
// common wait is short and on someone's critical path (a start waits for
// its unit-start to record how it went, a few ms), so the first fastPolls
// polls come every firstPoll, and a waiter wakes within that of the
// release; a longer wait backs off, doubling up to maxPoll. A poll is one
// system call.
const (
	firstPoll = time.Millisecond
	fastPolls = 50
	maxPoll   = 10 * time.Millisecond
)

// lockFile opens path and takes an exclusive flock on it. If the file was
// removed (Dir.Remove) while this process waited, the lock it got guards
// nothing any more, so it starts again on the file now at path.
// A symlink at path is refused (O_NOFOLLOW), so a lock file never makes
// podunit create or lock a file elsewhere. waited, if set, is called once
// when the wait has lasted w.notice.
func lockFile(ctx context.Context, path string, wait bool, w *waitNotice) (*os.File, error) {
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
		if errors.Is(err, unix.ELOOP) {
			return nil, fmt.Errorf("lock file %s is a symbolic link", path)
		}
		if err != nil {
			return nil, err
		}
		if err := flock(ctx, f, wait, w); err != nil {
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
func flock(ctx context.Context, f *os.File, wait bool, w *waitNotice) error {
	var who func() Holder
	if w != nil {
		who = func() Holder { return holderOf(w.id, f) }
	}
	for polls := 1; ; polls++ {
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
		w.tick(who)
		if err := ctxsleep.Sleep(ctx, pollDelay(polls)); err != nil {
			return w.gaveUp(who, err)
		}
	}
}

// pollDelay is the pause after a wait's poll number polls (from 1).
func pollDelay(polls int) time.Duration {
	if polls <= fastPolls {
		return firstPoll
	}
	return min(firstPoll<<min(polls-fastPolls, 8), maxPoll)
}

// stillAt reports whether f is the file now at path.
func stillAt(f *os.File, path string) (bool, error) {
	held, err := f.Stat()
	if err != nil {
		return false, err
	}
	now, err := os.Lstat(path)
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

// waitNotice tells Options.OnWait once who holds a lock waited on,
// and names the holder when the wait times out.
type waitNotice struct {
	id       string
	opts     Options
	start    time.Time
	told     bool
	deadline bool // the context's deadline is opts.Timeout's
}

// tick tells OnWait of the holder (who finds it) once the wait is long
// enough.
func (w *waitNotice) tick(who func() Holder) {
	if w == nil || w.told || w.opts.OnWait == nil || time.Since(w.start) < w.opts.NoticeAfter {
		return
	}
	w.told = true
	w.opts.OnWait(who())
}

// gaveUp turns the end of a wait that opts.Timeout set into ErrConflict
// naming the holder (who finds it); other ends come back as they are.
func (w *waitNotice) gaveUp(who func() Holder, err error) error {
	if w == nil || !w.deadline || !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &timeoutError{holder: who(), after: w.opts.Timeout}
}

// timeoutError is a wait for a lock that ran out of time.
type timeoutError struct {
	holder Holder
	after  time.Duration
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("still %s by %s after %s", e.holder.Holding(), e.holder, e.after)
}
