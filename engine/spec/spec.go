// Package spec turns a container's resolved configuration into an OCI runtime
// spec with podman's security defaults: eleven capabilities, the default
// seccomp profile, masked and read-only /proc and /sys paths, a device cgroup
// allow list and a pids limit.
//
// The package is pure: apart from reading the rootfs's /etc/passwd and
// /etc/group to resolve a user, it only asks the host once (capabilities the
// kernel knows, the caller's rlimits, cgroup namespace support, thermal
// throttle paths to mask) and caches the answer.
package spec

import (
	"fmt"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/errdefs"
)

// OCIVersion is the ociVersion every generated spec carries: crun 1.8.1
// rejects specs that declare a newer version than it knows.
const OCIVersion = "1.0.2-dev"

// NameAnnotation carries the container's name in the spec's annotations.
const NameAnnotation = "io.podunit.name"

// DefaultPidsLimit is podman's default pids limit.
const DefaultPidsLimit = 2048

// Input is everything Generate needs; the caller has already resolved the
// image (argv, env) and mounted the rootfs.
type Input struct {
	ID, Name string
	// Rootfs is the absolute path of the mounted rootfs.
	Rootfs string
	// Args is the final argv (entrypoint and cmd resolved by the caller).
	Args []string
	// Env is the final environment, KEY=VALUE. PATH, HOME, HOSTNAME,
	// container=podunit and (with Terminal) TERM are added when missing.
	Env []string
	// WorkingDir must be absolute; "" means "/".
	WorkingDir string
	// User is "", "name", "uid", "uid:gid", "name:group" or "uid:group",
	// resolved against the rootfs's /etc/passwd and /etc/group.
	User string
	// Hostname is set when the UTS namespace is new; "" means the ID's
	// first 12 characters, as podman does.
	Hostname   string
	ReadOnly   bool
	Privileged bool
	// CapAdd and CapDrop take "NET_ADMIN" or "CAP_NET_ADMIN" in any case,
	// and "ALL".
	CapAdd, CapDrop []string
	// Mounts are bind mounts.
	Mounts []Mount
	// Tmpfs entries are "/path[:opts]".
	Tmpfs []string
	// Labels are engine metadata; they are not copied into the spec.
	Labels map[string]string
	// CgroupsPath is passed through verbatim.
	CgroupsPath string
	// Namespaces nil means fresh pid, network, ipc, uts, mount and, where
	// the kernel has it, cgroup namespaces.
	Namespaces []specs.LinuxNamespace
	Terminal   bool
	// ConsoleSize, with Terminal, is the size the runtime gives the
	// terminal before the process starts (the attached caller's); nil
	// leaves it to the first resize.
	ConsoleSize *specs.Box
	// PidsLimit 0 means DefaultPidsLimit, < 0 means no limit.
	PidsLimit int64
	// Rlimits nil means RLIMIT_NOFILE and RLIMIT_NPROC at the caller's hard
	// limits; given ones are clamped to the caller's hard limits.
	Rlimits         []specs.POSIXRlimit
	NoNewPrivileges bool
	Annotations     map[string]string
	Limits          Limits // memory, CPU, ulimits, sysctls, /dev/shm, OOM score (res.go)
	Storage
	Identity
}

// Mount is a bind mount of Source (a host path) on Destination, or a
// mount of Type (storage.go's kinds).
type Mount struct {
	Type                string // "" or "bind", else mounts_more.go's
	Source, Destination string
	ReadOnly            bool
	// Options are added after "rbind" and "ro"/"rw".
	Options []string
}

// Generate returns the OCI runtime spec for in.
func Generate(in Input) (*specs.Spec, error) {
	h, err := probeHost()
	if err != nil {
		return nil, err
	}
	return generate(in, h)
}

// generate is Generate with the host facts given, so tests are deterministic.
func generate(in Input, h host) (*specs.Spec, error) {
	if err := validate(in); err != nil {
		return nil, err
	}
	u, err := resolveUser(in.Rootfs, in.User)
	if err != nil {
		return nil, err
	}
	if err := additionalGroups(in, &u.user); err != nil {
		return nil, err
	}
	caps, err := capabilitySets(in, h.caps, u.user.UID)
	if err != nil {
		return nil, err
	}
	namespaces := in.Namespaces
	if namespaces == nil {
		namespaces = defaultNamespaces(h.cgroupNS)
	}
	namespaces = userNamespace(in, namespaces)
	hostname := ""
	if hasNewNamespace(namespaces, specs.UTSNamespace) {
		hostname = defaultHostname(in)
	}
	mounts, err := buildMounts(in)
	if err != nil {
		return nil, err
	}
	rlimits, err := buildRlimits(in.Rlimits, h.rlimits)
	if err != nil {
		return nil, err
	}
	s := &specs.Spec{
		Version:     OCIVersion,
		Root:        &specs.Root{Path: in.Rootfs, Readonly: in.ReadOnly},
		Hostname:    hostname,
		Mounts:      userNSMounts(mounts, namespaces),
		Annotations: annotations(in),
		Process:     process(in, u, caps, rlimits, hostname),
	}
	s.Linux, err = linux(in, h, namespaces, caps)
	if err != nil {
		return nil, err
	}
	withInit(in, s)
	if err := checkSysctls(in.Limits.Sysctl, namespaces); err != nil {
		return nil, err
	}
	return s, applyLimits(s, in, h)
}

func validate(in Input) error {
	if !filepath.IsAbs(in.Rootfs) {
		return fmt.Errorf("rootfs %q is not an absolute path: %w", in.Rootfs, errdefs.ErrInvalidArgument)
	}
	if len(in.Args) == 0 {
		return fmt.Errorf("no command given: %w", errdefs.ErrInvalidArgument)
	}
	if in.WorkingDir != "" && !filepath.IsAbs(in.WorkingDir) {
		return fmt.Errorf("working directory %q is not an absolute path: %w", in.WorkingDir, errdefs.ErrInvalidArgument)
	}
	return nil
}

func defaultHostname(in Input) string {
	if in.Hostname != "" {
		return in.Hostname
	}
	if len(in.ID) > 12 {
		return in.ID[:12]
	}
	return in.ID
}

func annotations(in Input) map[string]string {
	a := make(map[string]string, len(in.Annotations)+1)
	for k, v := range in.Annotations {
		a[k] = v
	}
	if in.Name != "" {
		a[NameAnnotation] = in.Name
	}
	return a
}
