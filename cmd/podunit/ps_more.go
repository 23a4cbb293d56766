package main

import (
	"context"

	"github.com/docker/go-units"

	"github.com/podunit/podunit/engine"
)

// psNamespaces is Podman's ListContainerNamespaces: the namespace inodes
// `ps --ns` shows, each left out when unknown.
type psNamespaces struct {
	Cgroup string `json:"Cgroup,omitempty"`
	IPC    string `json:"Ipc,omitempty"`
	MNT    string `json:"Mnt,omitempty"`
	NET    string `json:"Net,omitempty"`
	PIDNS  string `json:"Pidns,omitempty"`
	UTS    string `json:"Uts,omitempty"`
	User   string `json:"User,omitempty"`
}

// psSize is Podman's ContainerSize, what `ps --size` adds.
type psSize struct {
	RootFsSize int64 `json:"rootFsSize"`
	RwSize     int64 `json:"rwSize"`
}

// Size is the SIZE column of ps --size: "RW (virtual ROOTFS)", as Podman's.
func (r psRow) Size() string {
	if r.psJSON.Size == nil {
		return ""
	}
	return units.HumanSizeWithPrecision(float64(r.psJSON.Size.RwSize), 3) + " (virtual " +
		units.HumanSizeWithPrecision(float64(r.psJSON.Size.RootFsSize), 3) + ")"
}

// fill reads what --size and --ns show: each container's written bytes
// (and with its image's), each running init's namespaces.
func (x psExtra) fill(ctx context.Context, eng *engine.Engine, rows []*psRow) error {
	imageSize := map[string]int64{}
	if x.size {
		list, err := eng.Images().List(ctx)
		if err != nil {
			return err
		}
		for _, s := range list {
			imageSize[s.ID] = s.Size
		}
	}
	for i := range rows {
		j := &rows[i].psJSON
		if x.size {
			rw, _ := eng.Images().RootfsSize(j.ID) // none (--rootfs, removed meanwhile): 0
			j.Size = &psSize{RwSize: rw, RootFsSize: rw + imageSize[j.ImageID]}
		}
		if x.ns {
			ns := engine.ProcessNamespaces(j.Pid)
			j.Namespaces = psNamespaces{Cgroup: ns["cgroup"], IPC: ns["ipc"], MNT: ns["mnt"], NET: ns["net"],
				PIDNS: ns["pid"], User: ns["user"], UTS: ns["uts"]}
		}
	}
	return nil
}
