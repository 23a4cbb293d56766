package engine

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/spec"
)

// capSysResource is CAP_SYS_RESOURCE's bit: it lets a process raise hard
// rlimits and lower an OOM score below its own.
const capSysResource = 24

// checkHostResources refuses at create what the runtime would refuse at
// every start on this machine: CPUs or memory nodes it does not have, and,
// without CAP_SYS_RESOURCE, an OOM score below this process's or an rlimit
// above its hard limit.
func checkHostResources(r *model.Resources) error {
	for _, c := range []struct{ flag, list, online string }{
		{"--cpuset-cpus", r.CpusetCPUs, "/sys/devices/system/cpu/online"},
		{"--cpuset-mems", r.CpusetMems, "/sys/devices/system/node/online"},
	} {
		if err := checkOnline(c.flag, c.list, c.online); err != nil {
			return err
		}
	}
	if hasCapability(capSysResource) {
		return nil
	}
	if a := r.OOMScoreAdj; a != nil {
		if own := ownOOMScoreAdj(); *a < own {
			return fmt.Errorf("--oom-score-adj %d: below podunit's own %d, which needs CAP_SYS_RESOURCE: %w", *a, own, errdefs.ErrInvalidArgument)
		}
	}
	for _, u := range r.Ulimits {
		if err := checkUlimit(u); err != nil {
			return err
		}
	}
	return nil
}

// checkOnline refuses members of list (a cpuset list) that the file
// online does not list; no such file means only 0 (no NUMA nodes shown).
func checkOnline(flag, list, online string) error {
	want, _ := parseCPUList(list)
	if len(want) == 0 {
		return nil
	}
	have := []int{0}
	if data, err := os.ReadFile(online); err == nil {
		have, _ = parseCPUList(strings.TrimSpace(string(data)))
	}
	for _, n := range want {
		if !slices.Contains(have, n) {
			return fmt.Errorf("%s %s: this machine has no %d (it has %s): %w", flag, list, n, formatList(have), errdefs.ErrInvalidArgument)
		}
	}
	return nil
}

func formatList(l []int) string {
	s := make([]string, len(l))
	for i, n := range l {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// checkUlimit refuses a hard limit above this process's own.
func checkUlimit(u model.Ulimit) error {
	res, ok := spec.RlimitNumber(u.Name)
	if !ok {
		return fmt.Errorf("--ulimit %s: unknown limit: %w", u.Name, errdefs.ErrInvalidArgument)
	}
	var own unix.Rlimit
	if err := unix.Getrlimit(res, &own); err != nil || own.Max == unix.RLIM_INFINITY {
		return nil
	}
	if hard := rlimitValue(u.Hard); hard > own.Max {
		name := strings.ToLower(strings.TrimPrefix(u.Name, "RLIMIT_"))
		return fmt.Errorf("--ulimit %s=%d:%d: above podunit's own hard limit %d, which needs CAP_SYS_RESOURCE to raise: %w",
			name, u.Soft, u.Hard, own.Max, errdefs.ErrInvalidArgument)
	}
	return nil
}

func ownOOMScoreAdj() int {
	data, _ := os.ReadFile("/proc/self/oom_score_adj")
	n, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	return n
}

// hasCapability reports whether this process has capability bit in its
// effective set (/proc/self/status CapEff).
func hasCapability(bit uint) bool {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return err == nil && mask&(1<<bit) != 0
		}
	}
	return false
}
