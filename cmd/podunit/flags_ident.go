package main

import (
	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/model"
)

// identFlags are the user-namespace, security, cgroup and init flags of
// create and run (Podman's).
type identFlags struct {
	userns, subUIDName, subGIDName, cgroups, initPath string
	uidMap, gidMap, groupAdd, securityOpt             []string
	init                                              bool
}

func (f *identFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.userns, "userns", "", "user namespace: host, private, auto[:size=N,uidmapping=C:H:S,gidmapping=C:H:S], keep-id, nomap (rootless only)")
	fs.StringArrayVar(&f.uidMap, "uidmap", nil, "a user namespace UID range: CONTAINER_UID:HOST_UID:SIZE (again for more)")
	fs.StringArrayVar(&f.gidMap, "gidmap", nil, "a user namespace GID range: CONTAINER_GID:HOST_GID:SIZE (again for more)")
	fs.StringVar(&f.subUIDName, "subuidname", "", "map the UIDs /etc/subuid gives this user")
	fs.StringVar(&f.subGIDName, "subgidname", "", "map the GIDs /etc/subgid gives this group")
	fs.StringArrayVar(&f.groupAdd, "group-add", nil, "an additional group (name or GID) for the container's process")
	fs.StringArrayVar(&f.securityOpt, "security-opt", nil, "label=…, apparmor=PROFILE|unconfined, seccomp=PROFILE.json|unconfined, no-new-privileges, mask=PATHS, unmask=PATHS|ALL")
	fs.StringVar(&f.cgroups, "cgroups", "enabled", "cgroup mode: enabled, disabled (crun), no-conmon, split")
	fs.BoolVar(&f.init, "init", false, "run an init (catatonit) as PID 1 that forwards signals and reaps zombies")
	fs.StringVar(&f.initPath, "init-path", "", "the init binary for --init (default catatonit)")
}

// identity is the flags as the container's record keeps them.
func (f *identFlags) identity() model.Identity {
	mode := f.cgroups
	if mode == "enabled" {
		mode = ""
	}
	return model.Identity{UserNS: f.userns, UIDMap: f.uidMap, GIDMap: f.gidMap, SubUIDName: f.subUIDName,
		SubGIDName: f.subGIDName, GroupAdd: f.groupAdd, SecurityOpt: f.securityOpt, CgroupsMode: mode,
		Init: f.init, InitPath: f.initPath}
}
