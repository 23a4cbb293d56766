package model

import "strings"

// Identity is what a container asked for about who it runs as and how it
// is isolated: its user namespace, extra groups, security options, cgroup
// mode and init (create/run --userns, --uidmap, --gidmap, --subuidname,
// --subgidname, --group-add, --security-opt, --cgroups, --init,
// --init-path). Values are kept as given; the engine checks them at create
// and resolves them at each start.
type Identity struct {
	UserNSConfig
	GroupAdd []string `json:"groupAdd,omitempty"` // group names or numbers
	// SecurityOpt are the --security-opt values as given (label=…,
	// apparmor=…, seccomp=…, no-new-privileges, mask=…, unmask=…).
	SecurityOpt []string `json:"securityOpt,omitempty"`
	// CgroupsMode is "" (enabled), "enabled", "disabled", "no-conmon" or
	// "split".
	CgroupsMode string `json:"cgroupsMode,omitempty"`
	Init        bool   `json:"init,omitempty"`     // --init: catatonit as PID 1
	InitPath    string `json:"initPath,omitempty"` // --init-path: the init binary on the host
}

// UserNSConfig is a user namespace as asked for (--userns, --uidmap,
// --gidmap, --subuidname, --subgidname): a container's, or a pod's, which
// its members share.
type UserNSConfig struct {
	// UserNS is "" (the host's), "host", "private", "auto[:OPTS]",
	// "keep-id[:OPTS]", "nomap", "container:ID" or "ns:PATH".
	UserNS     string   `json:"userns,omitempty"`
	UIDMap     []string `json:"uidMap,omitempty"` // CONTAINER:HOST:SIZE
	GIDMap     []string `json:"gidMap,omitempty"` // CONTAINER:HOST:SIZE
	SubUIDName string   `json:"subUIDName,omitempty"`
	SubGIDName string   `json:"subGIDName,omitempty"`
}

// IsZero reports whether nothing was asked for (the host's IDs).
func (i UserNSConfig) IsZero() bool {
	return i.UserNS == "" && len(i.UIDMap) == 0 && len(i.GIDMap) == 0 && i.SubUIDName == "" && i.SubGIDName == ""
}

// NewUserNS reports whether the container gets a user namespace of its own
// (mapped IDs), as opposed to the host's or another's.
func (i UserNSConfig) NewUserNS() bool {
	switch {
	case len(i.UIDMap) > 0 || len(i.GIDMap) > 0 || i.SubUIDName != "" || i.SubGIDName != "":
		return true
	case i.UserNS == "private" || i.UserNS == "auto" || strings.HasPrefix(i.UserNS, "auto:") || strings.HasPrefix(i.UserNS, "container:") || strings.HasPrefix(i.UserNS, "ns:"):
		return true
	}
	return false
}
