package main

import (
	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/model"
)

// identFlags are the user-namespace, security, cgroup and init flags of
// create and run (Podman's).
type identFlags struct {
	userns                usernsFlags
	cgroups, initPath     string
	groupAdd, securityOpt []string
	init                  bool
}

// usernsFlags are the user namespace flags of create, run and pod create.
type usernsFlags struct {
	mode, subUIDName, subGIDName string
	uidMap, gidMap               []string
}

func (f *usernsFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.mode, "userns", "", "user namespace: host, private, auto[:size=N,uidmapping=C:H:S,gidmapping=C:H:S], container:NAME, ns:PATH, keep-id, nomap (rootless only)")
	stringArrayVar(fs, &f.uidMap, "uidmap", "a user namespace UID range: CONTAINER_UID:HOST_UID:SIZE (again for more)")
	stringArrayVar(fs, &f.gidMap, "gidmap", "a user namespace GID range: CONTAINER_GID:HOST_GID:SIZE (again for more)")
	fs.StringVar(&f.subUIDName, "subuidname", "", "map the UIDs /etc/subuid gives this user")
	fs.StringVar(&f.subGIDName, "subgidname", "", "map the GIDs /etc/subgid gives this group")
}

func (f *usernsFlags) config() model.UserNSConfig {
	return model.UserNSConfig{UserNS: f.mode, UIDMap: f.uidMap, GIDMap: f.gidMap, SubUIDName: f.subUIDName, SubGIDName: f.subGIDName}
}

func (f *identFlags) register(fs *pflag.FlagSet) {
	f.userns.register(fs)
	stringArrayVar(fs, &f.groupAdd, "group-add", "an additional group (name or GID) for the container's process")
	stringArrayVar(fs, &f.securityOpt, "security-opt", "label=…, apparmor=PROFILE|unconfined, seccomp=PROFILE.json|unconfined, no-new-privileges, mask=PATHS, unmask=PATHS|ALL")
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
	return model.Identity{UserNSConfig: f.userns.config(), GroupAdd: f.groupAdd, SecurityOpt: f.securityOpt,
		CgroupsMode: mode, Init: f.init, InitPath: f.initPath}
}
