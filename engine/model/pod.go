package model

import "time"

// Pod is a group of containers sharing namespaces. ID, Name, Created and
// Config are immutable after create; State changes.
type Pod struct {
	ID      string    `json:"id"`   // required: 64 hex digits
	Name    string    `json:"name"` // required, unique among pods
	Created time.Time `json:"created"`
	Config  PodConfig `json:"config"`
	State   PodState  `json:"state"`
}

// PodConfig is what `pod create` was asked for.
type PodConfig struct {
	Labels     map[string]string `json:"labels,omitempty"`
	Share      []string          `json:"share"`                // namespaces the members share: net, ipc, uts
	Hostname   string            `json:"hostname,omitempty"`   // the shared UTS namespace's host name
	ExitPolicy string            `json:"exitPolicy,omitempty"` // "continue" (default) or "stop"
	Memory     int64             `json:"memory,omitempty"`     // bytes; the pod slice's MemoryMax=
	CPUs       float64           `json:"cpus,omitempty"`       // the pod slice's CPUQuota=
	ShmSize    int64             `json:"shmSize,omitempty"`    // bytes: each member's /dev/shm unless it sets its own
	Network    string            `json:"network,omitempty"`    // "none", "host" or a network's name
	Ports      []PortMapping     `json:"ports,omitempty"`      // published ports (-p)
	NetConfig
	UserNSConfig // the user namespace its members share
	PodHostNS    // the host's namespaces its members run in
}

// PodState is what the pod's own machinery is doing. The pod's status as
// shown (Running, Degraded, Exited …) is derived from its members.
type PodState struct {
	NamespacesPinned bool   `json:"namespacesPinned"`    // net/ipc/uts bind mounts exist
	HolderPid        int    `json:"holderPid,omitempty"` // catatonit holding a shared PID namespace
	Unit             string `json:"unit,omitempty"`      // the pod's systemd unit, while started
	IP               string `json:"ip,omitempty"`        // its address on its network, while attached
	// Error is why the pod's unit last failed to come up (its ExecStart=),
	// at ErrorAt. It stays after a later start that succeeds: a reader
	// takes it only if ErrorAt is after its own start began.
	Error   string    `json:"error,omitempty"`
	ErrorAt time.Time `json:"errorAt,omitzero"`
}

// Shares reports whether the pod's members share namespace ns.
func (c *PodConfig) Shares(ns string) bool {
	for _, s := range c.Share {
		if s == ns {
			return true
		}
	}
	return false
}

// PodStatus is Podman's pod status, derived from the members' statuses.
func PodStatus(members []Status) string {
	running, exited := 0, 0
	for _, s := range members {
		switch s {
		case Running, Stopping:
			running++
		case Exited:
			exited++
		}
	}
	switch {
	case len(members) == 0 || running+exited == 0:
		return "Created"
	case running == len(members):
		return "Running"
	case running > 0:
		return "Degraded"
	}
	return "Exited"
}
