package spec

import (
	"fmt"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/moby/sys/user"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/errdefs"
)

// execUser is a resolved user: the spec's user and the home directory.
type execUser struct {
	user specs.User
	home string
}

// ResolveUser resolves spec ("", "name", "uid", "uid:gid", "name:group",
// "uid:group") against rootfs/etc/passwd and rootfs/etc/group, following
// symlinks inside rootfs only. "" is root. A numeric uid needs no passwd
// entry; an unknown name is an error of class errdefs.ErrInvalidArgument.
// A user given without a group gets the supplementary groups that list it.
func ResolveUser(rootfs, spec string) (specs.User, error) {
	u, err := resolveUser(rootfs, spec)
	return u.user, err
}

func resolveUser(rootfs, spec string) (execUser, error) {
	passwd, err := securejoin.SecureJoin(rootfs, "/etc/passwd")
	if err != nil {
		return execUser{}, fmt.Errorf("resolving /etc/passwd in %s: %w", rootfs, err)
	}
	group, err := securejoin.SecureJoin(rootfs, "/etc/group")
	if err != nil {
		return execUser{}, fmt.Errorf("resolving /etc/group in %s: %w", rootfs, err)
	}
	defaults := &user.ExecUser{Home: "/"}
	eu, err := user.GetExecUserPath(spec, defaults, passwd, group)
	if err != nil {
		return execUser{}, fmt.Errorf("user %q: %w: %w", spec, errdefs.ErrInvalidArgument, err)
	}
	out := execUser{
		user: specs.User{UID: uint32(eu.Uid), GID: uint32(eu.Gid)}, //nolint:gosec // user bounds ids to [0, MaxInt32]
		home: eu.Home,
	}
	for _, g := range eu.Sgids {
		if uint32(g) != out.user.GID { //nolint:gosec // bounded as above
			out.user.AdditionalGids = append(out.user.AdditionalGids, uint32(g)) //nolint:gosec // bounded as above
		}
	}
	return out, nil
}
