package model

// Resources are a container's resource limits (create's --memory, --cpus,
// --ulimit, … and Quadlet's Memory=, PidsLimit=, Ulimit=, …), in the units
// Podman records them in. Zero values mean "not asked for".
type Resources struct {
	Memory            int64  `json:"memory,omitempty"`            // bytes (--memory)
	MemorySwap        int64  `json:"memorySwap,omitempty"`        // bytes of memory + swap; -1 unlimited
	MemoryReservation int64  `json:"memoryReservation,omitempty"` // bytes, a soft limit
	NanoCPUs          int64  `json:"nanoCpus,omitempty"`          // --cpus × 10⁹
	CPUShares         uint64 `json:"cpuShares,omitempty"`         // relative weight (cgroup v1 cpu.shares)
	CpusetCPUs        string `json:"cpusetCpus,omitempty"`        // "0-2,4"
	CpusetMems        string `json:"cpusetMems,omitempty"`        // NUMA nodes, same form
	// PidsLimit nil is the default (2048); <= 0 means no limit.
	PidsLimit *int64            `json:"pidsLimit,omitempty"`
	Ulimits   []Ulimit          `json:"ulimits,omitempty"`
	ShmSize   int64             `json:"shmSize,omitempty"` // bytes of /dev/shm; 0 the default 64 MB
	Sysctls   map[string]string `json:"sysctls,omitempty"`
	// OOMScoreAdj nil leaves the runtime's process at its caller's score.
	OOMScoreAdj *int `json:"oomScoreAdj,omitempty"`
}

// Ulimit is one --ulimit: Name is the rlimit in the OCI spec's form
// ("RLIMIT_NOFILE"); -1 is unlimited.
type Ulimit struct {
	Name string `json:"name"`
	Soft int64  `json:"soft"`
	Hard int64  `json:"hard"`
}

// DefaultShmSize is the size of /dev/shm without --shm-size, Podman's.
const DefaultShmSize = 64 << 20

// DefaultPidsLimit is Podman's pids limit without --pids-limit.
const DefaultPidsLimit = 2048

// A container's unit runs podunit's unit-start in its own cgroup before the
// container exists (about 10 MiB and a few threads, measured with crun), so
// the limits its unit gets are never below these; the container's own
// cgroup, a child of the unit's, has the exact ones.
const (
	UnitMinMemory = 32 << 20
	UnitMinTasks  = 32
)

// UnitMemoryMax is the unit's MemoryMax= in bytes for the container's
// --memory (0: none).
func (r Resources) UnitMemoryMax() int64 {
	if r.Memory <= 0 {
		return 0
	}
	return max(r.Memory, UnitMinMemory)
}

// UnitTasksMax is the unit's TasksMax= for the container's --pids-limit:
// 0 when none was given, -1 for no limit.
func (r Resources) UnitTasksMax() int64 {
	switch {
	case r.PidsLimit == nil:
		return 0
	case *r.PidsLimit <= 0:
		return -1
	}
	return max(*r.PidsLimit, UnitMinTasks)
}
