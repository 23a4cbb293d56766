package engine

import (
	"os"
	"strconv"
	"strings"
)

// ProcessNamespaces are the namespace inodes of a running process, by
// /proc/PID/ns name (cgroup, ipc, mnt, net, pid, user, uts), as `ps --ns`
// shows them; nil for pid 0 or a process gone.
func ProcessNamespaces(pid int) map[string]string {
	if pid <= 0 {
		return nil
	}
	out := map[string]string{}
	for _, ns := range []string{"cgroup", "ipc", "mnt", "net", "pid", "user", "uts"} {
		link, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/" + ns)
		if err != nil {
			continue
		}
		// "net:[4026531992]" → "4026531992"
		if _, rest, ok := strings.Cut(link, "["); ok {
			out[ns] = strings.TrimSuffix(rest, "]")
		}
	}
	return out
}
