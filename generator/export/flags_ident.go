package export

import "github.com/podunit/podunit/engine/model"

// identityFlags writes the identity settings back as create's flags.
func identityFlags(id model.Identity) []string {
	var args []string
	add := func(flag string, vals ...string) {
		for _, v := range vals {
			if v != "" {
				args = append(args, flag, v)
			}
		}
	}
	add("--userns", id.UserNS)
	add("--uidmap", id.UIDMap...)
	add("--gidmap", id.GIDMap...)
	add("--subuidname", id.SubUIDName)
	add("--subgidname", id.SubGIDName)
	add("--group-add", id.GroupAdd...)
	add("--security-opt", id.SecurityOpt...)
	add("--cgroups", id.CgroupsMode)
	if id.Init {
		args = append(args, "--init")
	}
	add("--init-path", id.InitPath)
	return args
}
