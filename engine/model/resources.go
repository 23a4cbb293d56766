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
