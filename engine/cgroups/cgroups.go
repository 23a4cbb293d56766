// Package cgroups reads a process's cgroups: where they are (from
// /proc/PID/cgroup), whether they are frozen, and what they used. It works
// on the unified (v2) layout and on the hybrid and legacy (v1) ones, where
// it reads whichever controllers are mounted. It only reads files, but for
// RemoveEmpty, which removes a unit's or scope's empty cgroups.
package cgroups

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
)

// Set is where one process's cgroups are: the v1 controllers' directories
// by controller name, and the unified hierarchy's directory ("" if none).
type Set struct {
	V1      map[string]string
	Unified string
}

// Root is the cgroup file system's mount point; tests point it elsewhere.
type Root string

// DefaultRoot is /sys/fs/cgroup.
const DefaultRoot Root = "/sys/fs/cgroup"

// Of finds pid's cgroups.
func (r Root) Of(pid int) (*Set, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		return nil, fmt.Errorf("cgroups of process %d: %w: %w", pid, errdefs.ErrNotFound, err)
	}
	defer f.Close()
	s := &Set{V1: map[string]string{}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			s.Unified = r.unifiedDir(parts[2])
			continue
		}
		for _, ctrl := range strings.Split(parts[1], ",") {
			if dir := filepath.Join(string(r), ctrl, parts[2]); isDir(dir) {
				s.V1[ctrl] = dir
			}
		}
	}
	return s, sc.Err()
}

// unifiedDir is the directory of path in the v2 hierarchy: the root itself
// when it is unified, else its "unified" mount (the hybrid layout).
func (r Root) unifiedDir(path string) string {
	for _, base := range []string{string(r), filepath.Join(string(r), "unified")} {
		if _, err := os.Stat(filepath.Join(base, "cgroup.controllers")); err == nil {
			if dir := filepath.Join(base, path); isDir(dir) {
				return dir
			}
		}
	}
	return ""
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// FrozenV1 reports whether the v1 freezer says FROZEN or FREEZING.
func (s *Set) FrozenV1() bool {
	dir, ok := s.V1["freezer"]
	if !ok {
		return false
	}
	st := readString(filepath.Join(dir, "freezer.state"))
	return st == "FROZEN" || st == "FREEZING"
}

// FrozenV2 reports whether the v2 cgroup or one of its ancestors has
// cgroup.freeze set (systemd's FreezeUnit freezes the unit's cgroup, the
// parent of the container's).
func (s *Set) FrozenV2() bool {
	for dir := s.Unified; dir != "" && fileExists(filepath.Join(dir, "cgroup.freeze")); dir = filepath.Dir(dir) {
		if readString(filepath.Join(dir, "cgroup.freeze")) == "1" {
			return true
		}
	}
	return false
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// readString reads a one-line file, trimmed; "" when it cannot.
func readString(p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// readUint reads a file holding one number; ok is false when it cannot
// ("max" and missing files included).
func readUint(p string) (uint64, bool) {
	n, err := strconv.ParseUint(readString(p), 10, 64)
	return n, err == nil
}
