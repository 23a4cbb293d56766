package spec

import (
	"encoding/json"
	"fmt"
	"runtime"
	"slices"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/moby/sys/user"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"go.podman.io/common/pkg/seccomp"

	"github.com/podunit/podunit/engine/errdefs"
)

// InitPath is where an init given with Identity.InitPath appears in the
// container, as in Podman (--init).
const InitPath = "/run/podman-init"

// Identity is the part of Input about the container's IDs and confinement.
type Identity struct {
	// UIDMappings and GIDMappings, when given, put the container in a new
	// user namespace with these maps (its rootfs must be owned by them).
	UIDMappings, GIDMappings []specs.LinuxIDMapping
	// UserNSPath joins an existing user namespace instead.
	UserNSPath string
	// GroupAdd are more supplementary groups: numbers, or names looked up in
	// the rootfs's /etc/group.
	GroupAdd []string
	// SeccompProfile replaces the default profile (Podman's JSON format);
	// SeccompUnconfined runs without seccomp.
	SeccompProfile    []byte
	SeccompUnconfined bool
	// AppArmorProfile is the profile the process runs under ("" none).
	AppArmorProfile string
	// Mask are more paths to mask; Unmask paths not to mask or make
	// read-only ("ALL": none of the defaults).
	Mask, Unmask []string
	// InitPath is an init binary on the host, bound read-only at InitPath
	// and run as PID 1 with the container's argv after "--".
	InitPath string
}

// userNamespace adds the user namespace in asks for to namespaces.
func userNamespace(in Input, namespaces []specs.LinuxNamespace) []specs.LinuxNamespace {
	switch {
	case hasNamespace(namespaces, specs.UserNamespace): // given (a pod's)
		return namespaces
	case in.UserNSPath != "":
		return append(namespaces, specs.LinuxNamespace{Type: specs.UserNamespace, Path: in.UserNSPath})
	case len(in.UIDMappings) > 0 || len(in.GIDMappings) > 0:
		return append(namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
	}
	return namespaces
}

// userNSMounts adapts the standard mounts to a user namespace: a sysfs or
// mqueue can only be mounted in a network or IPC namespace the user
// namespace owns, so with a joined (or the host's) one the host's is bound
// instead, as Podman does.
func userNSMounts(mounts []specs.Mount, namespaces []specs.LinuxNamespace) []specs.Mount {
	if !hasNamespace(namespaces, specs.UserNamespace) {
		return mounts
	}
	for i, m := range mounts {
		switch {
		case m.Type == "sysfs" && !hasNewNamespace(namespaces, specs.NetworkNamespace):
			mounts[i] = specs.Mount{Destination: m.Destination, Type: "bind", Source: "/sys",
				Options: []string{"rbind", "nosuid", "noexec", "nodev", "ro"}}
		case m.Type == "mqueue" && !hasNewNamespace(namespaces, specs.IPCNamespace):
			mounts[i] = specs.Mount{Destination: m.Destination, Type: "bind", Source: "/dev/mqueue",
				Options: []string{"bind", "nosuid", "noexec", "nodev"}}
		}
	}
	return mounts
}

// withInit binds the init and puts it before the argv.
func withInit(in Input, s *specs.Spec) {
	if in.InitPath == "" {
		return
	}
	s.Mounts = append(s.Mounts, specs.Mount{Destination: InitPath, Type: "bind", Source: in.InitPath,
		Options: []string{"bind", "ro", "nosuid", "nodev"}})
	s.Process.Args = append([]string{InitPath, "--"}, s.Process.Args...)
}

// additionalGroups resolves GroupAdd in the rootfs's /etc/group and adds
// the groups the user does not have yet.
func additionalGroups(in Input, u *specs.User) error {
	if len(in.GroupAdd) == 0 {
		return nil
	}
	path, err := securejoin.SecureJoin(in.Rootfs, "/etc/group")
	if err != nil {
		return fmt.Errorf("resolving /etc/group in %s: %w", in.Rootfs, err)
	}
	gids, err := user.GetAdditionalGroupsPath(in.GroupAdd, path)
	if err != nil {
		return fmt.Errorf("--group-add %q: %w: %w", in.GroupAdd, errdefs.ErrInvalidArgument, err)
	}
	for _, g := range gids {
		gid := uint32(g) //nolint:gosec // user bounds group IDs to [0, MaxInt32]
		if gid != u.GID && !slices.Contains(u.AdditionalGids, gid) {
			u.AdditionalGids = append(u.AdditionalGids, gid)
		}
	}
	return nil
}

// seccompFor is the process's seccomp filter: none, the given profile or
// the default one, each converted for the bounding set.
func seccompFor(in Input, arch string, bounding []string) (*specs.LinuxSeccomp, error) {
	switch {
	case in.SeccompUnconfined:
		return nil, nil
	case in.SeccompProfile != nil:
		p, err := parseSeccomp(in.SeccompProfile)
		if err != nil {
			return nil, err
		}
		return convertSeccomp(p, arch, bounding)
	}
	return defaultSeccomp(arch, bounding)
}

// CheckSeccompProfile reports whether data is a seccomp profile the spec
// can use.
func CheckSeccompProfile(data []byte) error {
	p, err := parseSeccomp(data)
	if err != nil {
		return err
	}
	_, err = convertSeccomp(p, runtime.GOARCH, nil)
	return err
}

func parseSeccomp(data []byte) (*seccomp.Seccomp, error) {
	var p seccomp.Seccomp
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("not a seccomp profile: %w: %w", errdefs.ErrInvalidArgument, err)
	}
	if p.DefaultAction == "" {
		return nil, fmt.Errorf("not a seccomp profile: it has no defaultAction: %w", errdefs.ErrInvalidArgument)
	}
	return &p, nil
}

// maskPaths applies Mask and Unmask to the default masked and read-only
// paths.
func maskPaths(in Input, l *specs.Linux) {
	keep := func(p string) bool {
		return !slices.Contains(in.Unmask, "ALL") && !slices.Contains(in.Unmask, p)
	}
	l.MaskedPaths = slices.DeleteFunc(l.MaskedPaths, func(p string) bool { return !keep(p) })
	l.ReadonlyPaths = slices.DeleteFunc(l.ReadonlyPaths, func(p string) bool { return !keep(p) })
	for _, p := range in.Mask {
		if !slices.Contains(l.MaskedPaths, p) {
			l.MaskedPaths = append(l.MaskedPaths, p)
		}
	}
}
