package model

import "time"

// Volume is a named volume: a directory (or a tmpfs, or a host directory
// it stands for) that outlives the containers mounting it. Name, Driver,
// Created, Labels, Options and Mountpoint are immutable after create.
type Volume struct {
	Name       string            `json:"name"`    // required, unique among volumes
	Driver     string            `json:"driver"`  // required: "local"
	Created    time.Time         `json:"created"` // required
	Labels     map[string]string `json:"labels,omitempty"`
	Options    map[string]string `json:"options,omitempty"` // --opt: type=tmpfs|none, o=…, device=…, uid=, gid=
	Mountpoint string            `json:"mountpoint"`        // the host directory containers bind
	// NeedsCopyUp is true until a container first mounts the volume: that
	// container's image content at the mount's path is copied in then.
	NeedsCopyUp bool `json:"needsCopyUp,omitempty"`
}

// The mount types of Mount.Type.
const (
	MountBind   = "bind"   // Source is a host path; "" means the same
	MountVolume = "volume" // Source is a volume's name
)
