package main

import "github.com/podunit/podunit/engine/model"

// inspectResources are HostConfig's resource fields, Podman's names.
type inspectResources struct {
	Memory            int64             `json:"Memory"`
	MemorySwap        int64             `json:"MemorySwap"`
	MemoryReservation int64             `json:"MemoryReservation"`
	NanoCpus          int64             `json:"NanoCpus"`
	CpuPeriod         uint64            `json:"CpuPeriod"`
	CpuQuota          int64             `json:"CpuQuota"`
	CpuShares         uint64            `json:"CpuShares"`
	CpusetCpus        string            `json:"CpusetCpus"`
	CpusetMems        string            `json:"CpusetMems"`
	PidsLimit         int64             `json:"PidsLimit"`
	Ulimits           []inspectUlimit   `json:"Ulimits"`
	ShmSize           int64             `json:"ShmSize"`
	Sysctls           map[string]string `json:"Sysctls"`
	OomScoreAdj       int               `json:"OomScoreAdj"`
}

type inspectUlimit struct {
	Name string `json:"Name"`
	Soft int64  `json:"Soft"`
	Hard int64  `json:"Hard"`
}

// newInspectResources shows r as Podman does: the defaults where nothing was
// asked for (pids 2048, /dev/shm 64 MiB), 0 for no pids limit.
func newInspectResources(r model.Resources) inspectResources {
	ir := inspectResources{Memory: r.Memory, MemorySwap: r.MemorySwap, MemoryReservation: r.MemoryReservation,
		NanoCpus: r.NanoCPUs, CpuShares: r.CPUShares, CpusetCpus: r.CpusetCPUs, CpusetMems: r.CpusetMems,
		PidsLimit: model.DefaultPidsLimit, Ulimits: []inspectUlimit{}, ShmSize: r.ShmSize,
		Sysctls: map[string]string{}}
	if r.NanoCPUs > 0 {
		ir.CpuPeriod = 100000
		ir.CpuQuota = r.NanoCPUs / 1e4
	}
	if r.PidsLimit != nil {
		ir.PidsLimit = max(*r.PidsLimit, 0)
	}
	for _, u := range r.Ulimits {
		ir.Ulimits = append(ir.Ulimits, inspectUlimit(u))
	}
	if ir.ShmSize == 0 {
		ir.ShmSize = model.DefaultShmSize
	}
	for k, v := range r.Sysctls {
		ir.Sysctls[k] = v
	}
	if r.OOMScoreAdj != nil {
		ir.OomScoreAdj = *r.OOMScoreAdj
	}
	return ir
}
