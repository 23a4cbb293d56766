package spec

import (
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// maskedPaths are podman's (go.podman.io/common/pkg/config.DefaultMaskedPaths
// without its host-dependent glob, which host.extraMasked supplies).
var maskedPaths = []string{
	"/proc/acpi",
	"/proc/kcore",
	"/proc/keys",
	"/proc/latency_stats",
	"/proc/sched_debug",
	"/proc/scsi",
	"/proc/timer_list",
	"/proc/timer_stats",
	"/sys/devices/virtual/powercap",
	"/sys/firmware",
	"/sys/fs/selinux",
	"/proc/interrupts",
}

// readonlyPaths are podman's (go.podman.io/common/pkg/config.DefaultReadOnlyPaths).
var readonlyPaths = []string{
	"/proc/asound",
	"/proc/bus",
	"/proc/fs",
	"/proc/irq",
	"/proc/sys",
	"/proc/sysrq-trigger",
}

// allowedDevices are the character devices a container may use: the ones
// every runtime creates (null, zero, full, random, urandom, tty), the
// console and the pseudo-terminals.
var allowedDevices = []struct{ major, minor int64 }{
	{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}, {5, 1}, {5, 2}, {136, -1},
}

func linux(in Input, h host, namespaces []specs.LinuxNamespace, caps *specs.LinuxCapabilities) (*specs.Linux, error) {
	l := &specs.Linux{
		Namespaces:  slices.Clone(namespaces),
		CgroupsPath: in.CgroupsPath,
		Resources:   &specs.LinuxResources{Devices: deviceRules(in.Privileged)},
		UIDMappings: slices.Clone(in.UIDMappings),
		GIDMappings: slices.Clone(in.GIDMappings),
	}
	if in.PidsLimit >= 0 {
		limit := in.PidsLimit
		if limit == 0 {
			limit = DefaultPidsLimit
		}
		l.Resources.Pids = &specs.LinuxPids{Limit: &limit}
	}
	addDevices(l, in)
	if in.Privileged {
		return l, nil
	}
	l.MaskedPaths = slices.Concat(maskedPaths, h.extraMasked)
	l.ReadonlyPaths = slices.Clone(readonlyPaths)
	maskPaths(in, l)
	var err error
	l.Seccomp, err = seccompFor(in, h.arch, caps.Bounding)
	if err != nil {
		return nil, err
	}
	return l, nil
}

// deviceRules denies every device but allowedDevices, or allows every
// device to a privileged container.
func deviceRules(privileged bool) []specs.LinuxDeviceCgroup {
	if privileged {
		return []specs.LinuxDeviceCgroup{{Allow: true, Access: "rwm"}}
	}
	rules := []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}
	for _, d := range allowedDevices {
		r := specs.LinuxDeviceCgroup{Allow: true, Type: "c", Major: ptr(d.major), Access: "rwm"}
		if d.minor >= 0 {
			r.Minor = ptr(d.minor)
		}
		rules = append(rules, r)
	}
	return rules
}

// defaultNamespaces are fresh pid, network, ipc, uts, mount and, when the
// kernel has them, cgroup namespaces (podman's choice on cgroup v2).
func defaultNamespaces(cgroupNS bool) []specs.LinuxNamespace {
	ns := []specs.LinuxNamespace{
		{Type: specs.PIDNamespace},
		{Type: specs.NetworkNamespace},
		{Type: specs.IPCNamespace},
		{Type: specs.UTSNamespace},
		{Type: specs.MountNamespace},
	}
	if cgroupNS {
		ns = append(ns, specs.LinuxNamespace{Type: specs.CgroupNamespace})
	}
	return ns
}

// hasNewNamespace reports whether namespaces creates a namespace of type t
// (lists it without a path to join).
func hasNewNamespace(namespaces []specs.LinuxNamespace, t specs.LinuxNamespaceType) bool {
	for _, n := range namespaces {
		if n.Type == t && n.Path == "" {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }
