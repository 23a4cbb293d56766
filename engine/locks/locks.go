// Package locks is the per-object locks that every podunit process shares
// (containers, pods, volumes, ...), kept apart from the state database so
// that a program that takes a lock needs no SQLite (podunit-start).
package locks

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/internal/ctxsleep"
)

// Dir hands out exclusive per-object locks shared by every podunit
// process: an flock(2) on dir/<id>.lock. The kernel drops a dead process's
// locks, so a SIGKILL never leaves a stale one. Goroutines of one process
// queue on an in-process gate first, so only one of them at a time waits
// on the file.
type Dir struct {
	dir   string
	opts  Options
	mu    sync.Mutex
	gates map[string]*gate
}

// New keeps lock files in dir, creating it if needed. A directory on
// tmpfs (under the run root) suits: locks need not outlive a boot.
func New(dir string) (*Dir, error) { return NewWith(dir, Options{}) }

// NewWith is New whose waits opts bounds and reports. dir must
// be a directory, not a symbolic link to one.
func NewWith(dir string, opts Options) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("lock directory %s: %w", dir, err)
	}
	if st, err := os.Lstat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("lock directory %s: not a directory (a symbolic link?): %w", dir, errdefs.ErrInvalidArgument)
	}
	return &Dir{dir: dir, opts: opts, gates: map[string]*gate{}}, nil
}

// Lock takes the lock on id, waiting until it is free or ctx is done. The
// returned unlock releases it; calling unlock more than once is harmless.
func (l *Dir) Lock(ctx context.Context, id string) (unlock func(), err error) {
	return l.lock(ctx, id, true)
}

// TryLock takes the lock on id if it is free, and fails with ErrConflict
// if another process or goroutine holds it.
func (l *Dir) TryLock(id string) (unlock func(), err error) {
	return l.lock(context.Background(), id, false)
}

// LockAll takes the locks on every id, in sorted order so that two callers
// with overlapping sets cannot deadlock. On failure it holds none of them.
func (l *Dir) LockAll(ctx context.Context, ids []string) (unlock func(), err error) {
	var held []func()
	release := func() {
		for i := len(held) - 1; i >= 0; i-- {
			held[i]()
		}
	}
	for _, id := range sortedUnique(ids) {
		u, err := l.Lock(ctx, id)
		if err != nil {
			release()
			return nil, err
		}
		held = append(held, u)
	}
	return onceFunc(release), nil
}

// Remove deletes id's lock file. Call it only while holding the lock, as
// the last step before unlock, once the object itself is gone: a command
// arriving after the removal locks a fresh file at once, and one already
// waiting moves to that fresh file when it wakes.
func (l *Dir) Remove(id string) error {
	if err := checkLockID(id); err != nil {
		return err
	}
	err := os.Remove(l.path(id))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("lock %s: %w", id, err)
	}
	return nil
}

// RemoveIdle deletes id's lock file if nobody holds the lock, taking it
// for the removal (as Remove wants); a held lock is ErrConflict.
func (l *Dir) RemoveIdle(id string) error {
	unlock, err := l.TryLock(id)
	if err != nil {
		return err
	}
	defer unlock()
	return l.Remove(id)
}

// lock takes id's in-process gate, then its file lock.
func (l *Dir) lock(ctx context.Context, id string, wait bool) (func(), error) {
	if err := checkLockID(id); err != nil {
		return nil, err
	}
	var w *waitNotice
	if wait {
		var cancel context.CancelFunc
		ctx, cancel, w = l.waiting(ctx, id)
		defer cancel()
	}
	if err := l.enter(ctx, id, wait); err != nil {
		return nil, lockErr(id, err)
	}
	f, err := lockFile(ctx, l.path(id), wait, w)
	if err != nil {
		l.leave(id)
		return nil, lockErr(id, err)
	}
	return onceFunc(func() {
		unlockFile(f)
		l.leave(id)
	}), nil
}

// AwaitRelease waits while holder names a process that holds id by other
// means than its lock file (its pid; 0: none does), as a wait for the lock
// itself waits: polled on the same schedule, told to Options.OnWait (the
// Holder says how, as how: "being started") and bounded by
// Options.Timeout (ErrConflict naming the holder), or until ctx is done.
func (l *Dir) AwaitRelease(ctx context.Context, id, how string, holder func() int) error {
	pid := holder()
	if pid == 0 {
		return nil
	}
	ctx, cancel, w := l.waiting(ctx, id)
	defer cancel()
	who := func() Holder {
		h := ProcessHolder(id, pid)
		h.How = how
		return h
	}
	for polls := 1; pid != 0; polls++ {
		w.tick(who)
		if err := ctxsleep.Sleep(ctx, pollDelay(polls)); err != nil {
			return lockErr(id, w.gaveUp(who, err))
		}
		pid = holder()
	}
	return nil
}

// waiting is ctx bounded by Options.Timeout and the notice of a wait for
// id that begins now.
func (l *Dir) waiting(ctx context.Context, id string) (context.Context, context.CancelFunc, *waitNotice) {
	w := &waitNotice{id: id, opts: l.opts, start: time.Now()}
	if l.opts.Timeout <= 0 {
		return ctx, func() {}, w
	}
	ctx, cancel := context.WithTimeout(ctx, l.opts.Timeout)
	w.deadline = true
	return ctx, cancel, w
}

// lockErr names the lock in err, and classes a held lock as a conflict.
func lockErr(id string, err error) error {
	if errors.Is(err, errHeld) {
		return fmt.Errorf("%s is locked by another podunit command: %w", id, errdefs.ErrConflict)
	}
	var te *timeoutError
	if errors.As(err, &te) {
		return fmt.Errorf("lock %s: %w: %w", id, te, errdefs.ErrConflict)
	}
	return fmt.Errorf("lock %s: %w", id, err)
}

// path is id's lock file.
func (l *Dir) path(id string) string {
	return filepath.Join(l.dir, id+".lock")
}

// checkLockID refuses an id that is not a plain file name.
func checkLockID(id string) error {
	ok := id != "" && id != "." && id != ".." && len(id) <= 255
	for i := 0; ok && i < len(id); i++ {
		ok = id[i] != '/' && id[i] > ' ' && id[i] < 0x7f
	}
	if !ok {
		return fmt.Errorf("lock name %q is invalid: %w", id, errdefs.ErrInvalidArgument)
	}
	return nil
}

// sortedUnique is ids sorted, without repeats, in a new slice.
func sortedUnique(ids []string) []string {
	out := append([]string(nil), ids...)
	sort.Strings(out)
	n := 0
	for i, id := range out {
		if i == 0 || id != out[n-1] {
			out[n] = id
			n++
		}
	}
	return out[:n]
}

// onceFunc is fn made safe to call more than once.
func onceFunc(fn func()) func() {
	var once sync.Once
	return func() { once.Do(fn) }
}
