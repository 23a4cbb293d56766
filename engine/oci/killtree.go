package oci

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/podunit/podunit/internal/procstat"
)

// killTree SIGKILLs the descendants of the runtime process p (what an exec
// started in the container: the runtimes make its process a session
// leader of its own, so no process group holds it all), then p. A few
// rounds catch children forked meanwhile.
func killTree(p *os.Process) error {
	for range 3 {
		tree := descendants(p.Pid)
		if len(tree) == 0 {
			break
		}
		for _, pid := range tree {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return p.Kill()
}

// descendants are the live processes below root, as /proc shows them.
func descendants(root int) []int {
	children := map[int][]int{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		st, err := procstat.Read(pid)
		if err != nil || len(st.Fields) < 2 || !st.Live() {
			continue
		}
		if ppid, err := strconv.Atoi(st.Fields[1]); err == nil {
			children[ppid] = append(children[ppid], pid)
		}
	}
	var out []int
	for queue := []int{root}; len(queue) > 0; queue = queue[1:] {
		out = append(out, children[queue[0]]...)
		queue = append(queue, children[queue[0]]...)
	}
	return out
}
