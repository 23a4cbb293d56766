package systemd

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
)

// OwnCgroup returns this process's cgroup path as systemd sees it, read from
// /proc/self/cgroup. Under a unit with Delegate=yes this is the unit's own
// cgroup, under which a container's cgroup must go.
func OwnCgroup() (string, error) {
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return "", fmt.Errorf("own cgroup: %w", err)
	}
	defer f.Close()
	return parseCgroup(f)
}

// CgroupOf returns process pid's cgroup path as systemd sees it (OwnCgroup).
func CgroupOf(pid int) (string, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		return "", fmt.Errorf("cgroup of process %d: %w", pid, err)
	}
	defer f.Close()
	return parseCgroup(f)
}

// parseCgroup picks systemd's hierarchy out of a /proc/PID/cgroup file: the
// name=systemd line when there is one (legacy and hybrid layouts, where on
// hybrid it equals the "0::" line), else the unified "0::" line.
func parseCgroup(r io.Reader) (string, error) {
	unified, named := "", ""
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		id, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		ctrls, path, ok := strings.Cut(rest, ":")
		switch {
		case !ok:
		case id == "0" && ctrls == "":
			unified = path
		case ctrls == "name=systemd":
			named = path
		}
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("cgroup: %w", err)
	}
	if named != "" {
		return named, nil
	}
	if unified != "" {
		return unified, nil
	}
	return "", fmt.Errorf("cgroup: no systemd or unified hierarchy in /proc/PID/cgroup: %w", errdefs.ErrUnavailable)
}
