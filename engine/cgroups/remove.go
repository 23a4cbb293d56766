package cgroups

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// RemoveEmpty removes the cgroup at path (as /proc/PID/cgroup names it,
// "/system.slice/x.service") and the cgroups below it, deepest first, in
// every hierarchy mounted under r, wherever they hold no process. A runtime
// makes a container's cgroup with all its parents in every v1 hierarchy,
// and systemd removes a unit's cgroups only in the hierarchies it manages:
// in the others (freezer, net_cls, ...) they would stay for ever. It never
// touches path's parents, which other cgroups share: removing a parent
// races a runtime that is making a child of it.
func (r Root) RemoveEmpty(path string) error {
	path = strings.Trim(filepath.Clean("/"+path), "/")
	if path == "" {
		return fmt.Errorf("remove cgroup: refusing the root cgroup")
	}
	var errs []error
	for _, h := range r.hierarchies() {
		errs = append(errs, removeTree(filepath.Join(h, path)))
	}
	return errors.Join(errs...)
}

// hierarchies are the mount points of the cgroup hierarchies under r: r
// itself when it is unified, else its directories (not the symlinks that
// some systems add for joined controllers).
func (r Root) hierarchies() []string {
	if fileExists(filepath.Join(string(r), "cgroup.controllers")) {
		return []string{string(r)}
	}
	entries, err := os.ReadDir(string(r))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, filepath.Join(string(r), e.Name()))
		}
	}
	return out
}

// removeTree removes dir and the directories below it, deepest first; one
// that holds a process (EBUSY) or is gone already is no error.
func removeTree(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove cgroup %s: %w", dir, err)
	}
	var errs []error
	for _, e := range entries {
		if e.IsDir() {
			errs = append(errs, removeTree(filepath.Join(dir, e.Name())))
		}
	}
	err = unix.Rmdir(dir)
	if err != nil && !errors.Is(err, unix.EBUSY) && !errors.Is(err, unix.ENOENT) && !errors.Is(err, unix.ENOTEMPTY) {
		errs = append(errs, fmt.Errorf("remove cgroup %s: %w", dir, err))
	}
	return errors.Join(errs...)
}
