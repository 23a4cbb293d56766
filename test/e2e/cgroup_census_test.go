package e2e

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// cgroupRoot is where the sandbox and the host see the same cgroup
// hierarchies: the harness gives the sandbox no cgroup namespace.
const cgroupRoot = "/sys/fs/cgroup"

// cgroupLeftovers lists podunit's cgroups (a path that names podunit:
// /podunit/ID, podunit-*.service, podunit-*.scope, pod slices) in every
// hierarchy that were made since e was set up and hold no process: what a
// container, unit or pod that is gone left behind. The sandbox shares the
// host's hierarchies, so the time of making keeps earlier tests' leftovers
// out and the processes keep running containers (of concurrent host tests
// too) out. The shared parents /podunit and /podunit.slice are no one's.
// systemd removes a scope's cgroups a moment after its last process is
// gone, so it waits up to 5 s for the list to empty.
func cgroupLeftovers(e *env) []string {
	since := envSetUp(e)
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := cgroupScan(since)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// cgroupScan is one look of cgroupLeftovers.
func cgroupScan(since time.Time) []string {
	hier, err := os.ReadDir(cgroupRoot)
	if err != nil {
		return []string{"cgroups: " + err.Error()}
	}
	var out []string
	for _, h := range hier {
		if !h.IsDir() { // the symlinks of joined controllers
			continue
		}
		root := filepath.Join(cgroupRoot, h.Name())
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() || p == root {
				return nil
			}
			rel := strings.TrimPrefix(p, root)
			if !strings.Contains(rel, "podunit") || rel == "/podunit" || rel == "/podunit.slice" || !madeSince(p, since) {
				return nil
			}
			if !holdsProcess(p) {
				out = append(out, "cgroup: "+h.Name()+rel)
				return fs.SkipDir
			}
			return nil
		})
	}
	return out
}

// envSetUp is when newEnv set e up (it wrote registries.conf then).
func envSetUp(e *env) time.Time {
	fi, err := os.Stat(filepath.Join(e.dir, "registries.conf"))
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}

// madeSince reports whether the cgroup directory p was made at or after t:
// cgroupfs keeps a directory's ctime at its making.
func madeSince(p string, t time.Time) bool {
	var st syscall.Stat_t
	if syscall.Stat(p, &st) != nil {
		return false
	}
	return !time.Unix(st.Ctim.Sec, st.Ctim.Nsec).Before(t)
}

// holdsProcess reports whether cgroup p or one below it has a process.
func holdsProcess(p string) bool {
	busy := false
	_ = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err != nil || busy || d.Name() != "cgroup.procs" {
			return nil
		}
		if b, err := os.ReadFile(q); err == nil && strings.TrimSpace(string(b)) != "" {
			busy = true
			return fs.SkipAll
		}
		return nil
	})
	return busy
}
