package export

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/generator/unitfile"
)

// resourceFlags are the run flags that make r again, in exact units.
func resourceFlags(r model.Resources) []string {
	var args []string
	add := func(flag string, set bool, v string) {
		if set {
			args = append(args, flag, v)
		}
	}
	itoa := func(v int64) string { return strconv.FormatInt(v, 10) }
	add("--memory", r.Memory != 0, itoa(r.Memory))
	add("--memory-swap", r.MemorySwap != 0, itoa(r.MemorySwap))
	add("--memory-reservation", r.MemoryReservation != 0, itoa(r.MemoryReservation))
	add("--cpus", r.NanoCPUs != 0, strconv.FormatFloat(float64(r.NanoCPUs)/1e9, 'f', -1, 64))
	add("--cpu-shares", r.CPUShares != 0, strconv.FormatUint(r.CPUShares, 10))
	add("--cpuset-cpus", r.CpusetCPUs != "", r.CpusetCPUs)
	add("--cpuset-mems", r.CpusetMems != "", r.CpusetMems)
	if r.PidsLimit != nil {
		add("--pids-limit", true, itoa(*r.PidsLimit))
	}
	for _, u := range r.Ulimits {
		name := strings.ToLower(strings.TrimPrefix(u.Name, "RLIMIT_"))
		add("--ulimit", true, name+"="+itoa(u.Soft)+":"+itoa(u.Hard))
	}
	add("--shm-size", r.ShmSize != 0, itoa(r.ShmSize))
	for _, k := range slices.Sorted(maps.Keys(r.Sysctls)) {
		add("--sysctl", true, k+"="+r.Sysctls[k])
	}
	if r.OOMScoreAdj != nil {
		add("--oom-score-adj", true, strconv.Itoa(*r.OOMScoreAdj))
	}
	return args
}

// resourceSettings puts the limits of r that systemd owns on the unit too
// (the engine does the same for a transient unit), so `systemctl show`
// reports them.
func resourceSettings(f *unitfile.File, r model.Resources) {
	set := func(key string, ok bool, v string) {
		if ok {
			f.Add("Service", key, unitfile.QuoteWord(v))
		}
	}
	set("MemoryMax", r.Memory > 0, strconv.FormatInt(r.UnitMemoryMax(), 10))
	switch {
	case r.MemorySwap > 0:
		set("MemorySwapMax", true, strconv.FormatInt(r.MemorySwap-r.Memory, 10))
	case r.MemorySwap < 0:
		set("MemorySwapMax", true, "infinity")
	}
	set("MemoryLow", r.MemoryReservation > 0, strconv.FormatInt(r.MemoryReservation, 10))
	// CPUQuota= is a percentage of one CPU, with two decimals at most
	set("CPUQuota", r.NanoCPUs > 0, strconv.FormatFloat(float64(r.NanoCPUs/1e5)/100, 'f', -1, 64)+"%")
	set("CPUShares", r.CPUShares > 0, strconv.FormatUint(r.CPUShares, 10))
	set("AllowedCPUs", r.CpusetCPUs != "", r.CpusetCPUs)
	set("AllowedMemoryNodes", r.CpusetMems != "", r.CpusetMems)
	if n := r.UnitTasksMax(); n != 0 {
		set("TasksMax", true, strings.Replace(strconv.FormatInt(n, 10), "-1", "infinity", 1))
	}
}
