package main

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
