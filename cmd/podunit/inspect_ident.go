package main

import "github.com/podunit/podunit/engine/model"

// inspectIdentity are the HostConfig fields of the identity flags, under
// Podman's names.
type inspectIdentity struct {
	UsernsMode  string             `json:"UsernsMode"`
	IDMappings  *inspectIDMappings `json:"IDMappings,omitempty"`
	GroupAdd    []string           `json:"GroupAdd"`
	SecurityOpt []string           `json:"SecurityOpt"`
	Cgroups     string             `json:"Cgroups"` // "default" or "disabled", as Podman
	Init        bool               `json:"Init"`
}

type inspectIDMappings struct {
	UIDMap []string `json:"UidMap"`
	GIDMap []string `json:"GidMap"`
}

func newInspectIdentity(id model.Identity) inspectIdentity {
	out := inspectIdentity{UsernsMode: id.UserNS, GroupAdd: nonNil(id.GroupAdd), SecurityOpt: nonNil(id.SecurityOpt),
		Cgroups: "default", Init: id.Init}
	if id.CgroupsMode == "disabled" {
		out.Cgroups = "disabled"
	}
	if len(id.UIDMap) > 0 || len(id.GIDMap) > 0 {
		out.IDMappings = &inspectIDMappings{UIDMap: nonNil(id.UIDMap), GIDMap: nonNil(id.GIDMap)}
	}
	if out.UsernsMode == "" && id.NewUserNS() {
		out.UsernsMode = "private" // Podman's name for a namespace made from maps
	}
	return out
}
