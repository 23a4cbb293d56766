package image

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.podman.io/storage"
	"golang.org/x/sys/unix"
)

// An op is the scratch space and intent record of one command that writes
// images (import, load): a directory <graphroot>/podunit-tmp/op-* that holds
// containers/image's large temporary files, a lock file flocked for the op's
// whole life, and "images", the IDs of the images the op is about to create,
// each written (and synced) before its copy starts. containers/storage creates
// an image and names it in two steps, so a SIGKILL between them leaves an
// image without a name; a later op finds the stale directory (its lock is
// free), removes the images it lists that are still nameless and unused, and
// removes the directory.
type op struct {
	dir  string
	lock *os.File
}

const (
	opsDirName  = "podunit-tmp"
	opLockName  = "lock"
	opIntentLog = "images"
)

func (s *Store) opsDir() string { return filepath.Join(s.Root(), opsDirName) }

// beginOp finishes what crashed ops left, then starts a new op. Both happen
// under the scratch space's own lock, so a recovery never sees an op that is
// half made: an op directory without its lock file belongs to a command that
// died while making it.
func (s *Store) beginOp() (*op, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.opsDir(), 0o700); err != nil {
		return nil, fmt.Errorf("image scratch space: %w", err)
	}
	unlock, err := s.lockOps()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := s.recoverOps(); err != nil {
		return nil, err
	}
	// The PID in the name says who made it, for people reading the directory.
	dir, err := os.MkdirTemp(s.opsDir(), fmt.Sprintf("op-%d-", os.Getpid()))
	if err != nil {
		return nil, fmt.Errorf("image scratch space: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, opLockName), os.O_RDWR|os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW, 0o600)
	if err == nil {
		err = unix.Flock(int(lock.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	}
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("image scratch space %s: %w", dir, err)
	}
	return &op{dir: dir, lock: lock}, nil
}

// lockOps takes the scratch space's lock (a flock on its directory), which
// ops hold while they make their directory and recoveries hold while they look.
func (s *Store) lockOps() (func(), error) {
	f, err := os.OpenFile(s.opsDir(), os.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return nil, fmt.Errorf("image scratch space lock: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("image scratch space lock: %w", err)
	}
	return func() { _ = f.Close() }, nil
}

// end removes the op's directory: what it made is complete (or was removed).
func (o *op) end() {
	_ = os.RemoveAll(o.dir)
	_ = o.lock.Close()
}

// intend records that the op may create image id; an image that exists
// already is not the op's to remove, so it is not recorded.
func (s *Store) intend(o *op, id string) error {
	if _, err := s.store.Image(id); err == nil {
		return nil
	}
	f, err := os.OpenFile(filepath.Join(o.dir, opIntentLog), os.O_WRONLY|os.O_CREATE|os.O_APPEND|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return fmt.Errorf("recording image %s: %w", id, err)
	}
	_, err = f.WriteString(id + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("recording image %s: %w", id, err)
	}
	return nil
}

// RecoverOps finishes every op whose process is gone: it removes the
// nameless, unused images that op meant to create, then its directory.
// An op whose lock is held is running and left alone.
func (s *Store) RecoverOps() error {
	if err := s.open(); err != nil {
		return err
	}
	if _, err := os.Lstat(s.opsDir()); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	unlock, err := s.lockOps()
	if err != nil {
		return err
	}
	defer unlock()
	return s.recoverOps()
}

// recoverOps is RecoverOps under the scratch space's lock.
func (s *Store) recoverOps() error {
	entries, err := os.ReadDir(s.opsDir())
	if err != nil {
		return fmt.Errorf("image scratch space: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "op-") && e.IsDir() {
			errs = append(errs, s.recoverOp(filepath.Join(s.opsDir(), e.Name())))
		}
	}
	return errors.Join(errs...)
}

func (s *Store) recoverOp(dir string) error {
	lock, err := os.OpenFile(filepath.Join(dir, opLockName), os.O_RDONLY|unix.O_NOFOLLOW, 0)
	if errors.Is(err, os.ErrNotExist) {
		// Under the scratch space's lock, no op is making this directory:
		// its maker died before it could lock it.
		return os.RemoveAll(dir)
	}
	if err != nil {
		return fmt.Errorf("stale image scratch space %s: %w", dir, err)
	}
	defer lock.Close()
	if unix.Flock(int(lock.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
		return nil // its op is running
	}
	ids, err := intended(dir)
	if err != nil {
		return fmt.Errorf("stale image scratch space %s: %w", dir, err)
	}
	for _, id := range ids {
		if err := s.dropUnfinished(id); err != nil {
			return fmt.Errorf("image %s left by a crashed command: %w", id, err)
		}
	}
	return os.RemoveAll(dir)
}

func intended(dir string) ([]string, error) {
	f, err := os.Open(filepath.Join(dir, opIntentLog))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if id := strings.TrimSpace(sc.Text()); id != "" {
			ids = append(ids, id)
		}
	}
	return ids, sc.Err()
}

// dropUnfinished removes image id if it has no name and no container uses
// it: a crashed op made it but never named it (or never reported it).
func (s *Store) dropUnfinished(id string) error {
	img, err := s.store.Image(id)
	if errors.Is(err, storage.ErrImageUnknown) {
		return nil
	}
	if err != nil || len(img.Names) > 0 {
		return err
	}
	ctrs, err := s.store.Containers()
	if err != nil {
		return err
	}
	for _, c := range ctrs {
		if c.ImageID == id {
			return nil
		}
	}
	_, err = s.store.DeleteImage(id, true)
	if errors.Is(err, storage.ErrImageUnknown) {
		return nil
	}
	return err
}
