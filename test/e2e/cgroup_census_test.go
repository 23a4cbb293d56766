package e2e

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// cgroupRoot is where the host sees the cgroup hierarchies.
const cgroupRoot = "/sys/fs/cgroup"

// cgroupLeftovers lists podunit's cgroups (a path that names podunit:
// /podunit/ID, podunit-*.service, podunit-*.scope, pod slices) in every
// hierarchy that were made since e was set up and hold no process: what a
// container, unit or pod that is gone left behind. With a sandbox it looks in
// the sandbox's own cgroups only (the harness gives each its cgroup tree and
// namespace), else in the host's; there the time of making keeps earlier tests'
// leftovers out and the processes keep running containers (of concurrent host
// tests too) out. The shared parents /podunit and /podunit.slice are no one's.
// systemd removes a scope's cgroups a moment after its last process is
// gone, so it waits up to 5 s for the list to empty.
func cgroupLeftovers(e *env) []string {
	since := envSetUp(e)
	roots, err := cgroupRoots(e)
	if err != nil {
		return []string{"cgroups: " + err.Error()}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := cgroupScan(roots, since)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// cgroupRoots maps each hierarchy's name (memory, unified) to the directory
// where e's cgroups start: the sandbox's cgroup in it, or the hierarchy's root.
func cgroupRoots(e *env) (map[string]string, error) {
	roots := map[string]string{}
	if e.sb != nil {
		for _, d := range e.sb.Cgroups() {
			rel, ok := strings.CutPrefix(d, cgroupRoot+"/")
			if !ok {
				return nil, fmt.Errorf("sandbox cgroup %s is not below %s", d, cgroupRoot)
			}
			h, _, _ := strings.Cut(rel, "/")
			roots[h] = d
		}
		return roots, nil
	}
	hier, err := os.ReadDir(cgroupRoot)
	if err != nil {
		return nil, err
	}
	for _, h := range hier {
		if h.IsDir() { // not the symlinks of joined controllers
			roots[h.Name()] = filepath.Join(cgroupRoot, h.Name())
		}
	}
	return roots, nil
}

// cgroupScan is one look of cgroupLeftovers.
func cgroupScan(roots map[string]string, since time.Time) []string {
	var out []string
	for h, root := range roots {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() || p == root {
				return nil
			}
			rel := strings.TrimPrefix(p, root)
			if strings.HasPrefix(rel, "/sandbox-") && !strings.Contains(root, "/sandbox-") {
				return fs.SkipDir // on the host: a sandbox's tree is its test's
			}
			if !strings.Contains(rel, "podunit") || rel == "/podunit" || rel == "/podunit.slice" || !madeSince(p, since) {
				return nil
			}
			if !holdsProcess(p) {
				out = append(out, "cgroup: "+h+rel)
				return fs.SkipDir
			}
			return nil
		})
	}
	sort.Strings(out)
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
