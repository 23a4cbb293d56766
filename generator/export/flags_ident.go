package export

import "github.com/podunit/podunit/engine/model"

// identityFlags writes a container's identity settings back as create's
// flags.
func identityFlags(id model.Identity) []string {
	args := usernsFlags(id.UserNSConfig)
	args = append(args, flagEach("--group-add", id.GroupAdd...)...)
	args = append(args, flagEach("--security-opt", id.SecurityOpt...)...)
	args = append(args, flagEach("--cgroups", id.CgroupsMode)...)
	if id.Init {
		args = append(args, "--init")
	}
	return append(args, flagEach("--init-path", id.InitPath)...)
}

// usernsFlags writes a user namespace back as its flags (create's and
// pod create's).
func usernsFlags(u model.UserNSConfig) []string {
	args := flagEach("--userns", u.UserNS)
	args = append(args, flagEach("--uidmap", u.UIDMap...)...)
	args = append(args, flagEach("--gidmap", u.GIDMap...)...)
	args = append(args, flagEach("--subuidname", u.SubUIDName)...)
	return append(args, flagEach("--subgidname", u.SubGIDName)...)
}

// flagEach is "flag value" for each non-empty value.
func flagEach(flag string, vals ...string) []string {
	var args []string
	for _, v := range vals {
		if v != "" {
			args = append(args, flag, v)
		}
	}
	return args
}
