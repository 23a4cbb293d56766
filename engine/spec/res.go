package spec

import (
	"fmt"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/errdefs"
)

// Limits are a container's resource limits beyond the pids limit: cgroup
// limits (linux.resources), rlimits added to the defaults, kernel
// parameters, the size of /dev/shm and the OOM score. Zero values are
// "not asked for".
type Limits struct {
	Memory, MemorySwap, MemoryReservation int64 // bytes; MemorySwap -1 unlimited
	// CPUQuota and CPUPeriod are microseconds of CPU time per period (--cpus).
	CPUQuota               int64
	CPUPeriod              uint64
	CPUShares              uint64
	CpusetCPUs, CpusetMems string
	// Ulimits replace the default rlimit of their type (or add one); they
	// are clamped to the caller's hard limits as Rlimits are.
	Ulimits []specs.POSIXRlimit
	Sysctl  map[string]string
	ShmSize int64 // bytes of /dev/shm's tmpfs
	// OOMScoreAdj nil leaves the caller's score.
	OOMScoreAdj *int
}

// applyLimits writes in.Limits into s.
func applyLimits(s *specs.Spec, in Input, h host) error {
	l := in.Limits
	if err := applyUlimits(s.Process, l.Ulimits, h); err != nil {
		return err
	}
	s.Process.OOMScoreAdj = l.OOMScoreAdj
	if len(l.Sysctl) > 0 {
		s.Linux.Sysctl = make(map[string]string, len(l.Sysctl))
		for k, v := range l.Sysctl {
			s.Linux.Sysctl[k] = v
		}
	}
	if l.ShmSize > 0 {
		setShmSize(s.Mounts, l.ShmSize)
	}
	r := s.Linux.Resources
	if m := memory(l); m != nil {
		r.Memory = m
	}
	if c := cpu(l); c != nil {
		r.CPU = c
	}
	return nil
}

func memory(l Limits) *specs.LinuxMemory {
	var m specs.LinuxMemory
	set := false
	for _, f := range []struct {
		v   int64
		dst **int64
	}{{l.Memory, &m.Limit}, {l.MemorySwap, &m.Swap}, {l.MemoryReservation, &m.Reservation}} {
		if f.v != 0 {
			*f.dst, set = ptr(f.v), true
		}
	}
	if !set {
		return nil
	}
	return &m
}

func cpu(l Limits) *specs.LinuxCPU {
	c := specs.LinuxCPU{Cpus: l.CpusetCPUs, Mems: l.CpusetMems}
	if l.CPUShares > 0 {
		c.Shares = ptr(l.CPUShares)
	}
	if l.CPUQuota > 0 {
		c.Quota, c.Period = ptr(l.CPUQuota), ptr(l.CPUPeriod)
	}
	if c.Shares == nil && c.Quota == nil && c.Cpus == "" && c.Mems == "" {
		return nil
	}
	return &c
}

// applyUlimits validates and clamps the given rlimits and puts each in
// place of the default of its type.
func applyUlimits(p *specs.Process, given []specs.POSIXRlimit, h host) error {
	if len(given) == 0 {
		return nil
	}
	list, err := buildRlimits(given, h.rlimits)
	if err != nil {
		return err
	}
	for _, rl := range list {
		replaced := false
		for i := range p.Rlimits {
			if p.Rlimits[i].Type == rl.Type {
				p.Rlimits[i], replaced = rl, true
			}
		}
		if !replaced {
			p.Rlimits = append(p.Rlimits, rl)
		}
	}
	return nil
}

// setShmSize sets the size of the default /dev/shm tmpfs (not of a mount
// the caller put there).
func setShmSize(mounts []specs.Mount, size int64) {
	for i, m := range mounts {
		if m.Destination != "/dev/shm" || m.Type != "tmpfs" {
			continue
		}
		opts := make([]string, 0, len(m.Options))
		for _, o := range m.Options {
			if !strings.HasPrefix(o, "size=") {
				opts = append(opts, o)
			}
		}
		mounts[i].Options = append(opts, fmt.Sprintf("size=%dk", (size+1023)/1024))
	}
}

// checkSysctls refuses a kernel parameter of a namespace the container
// does not have its own of (the host's would change), or one no namespace
// holds.
func checkSysctls(sysctl map[string]string, namespaces []specs.LinuxNamespace) error {
	for k := range sysctl {
		ns, err := SysctlNamespace(k)
		if err != nil {
			return err
		}
		if !hasNamespace(namespaces, ns) {
			return fmt.Errorf("--sysctl %s: the container shares the host's %s namespace: %w", k, ns, errdefs.ErrInvalidArgument)
		}
	}
	return nil
}

// SysctlNamespace is the namespace that holds kernel parameter name, as
// Podman (and the runtimes) allow them; another name is an invalid argument.
func SysctlNamespace(name string) (specs.LinuxNamespaceType, error) {
	switch {
	case name == "kernel.hostname" || name == "kernel.domainname":
		return specs.UTSNamespace, nil
	case name == "kernel.sem" || name == "kernel.msgmax" || name == "kernel.msgmnb" || name == "kernel.msgmni" ||
		name == "kernel.shmall" || name == "kernel.shmmax" || name == "kernel.shmmni" ||
		name == "kernel.shm_rmid_forced" || strings.HasPrefix(name, "fs.mqueue."):
		return specs.IPCNamespace, nil
	case strings.HasPrefix(name, "net."):
		return specs.NetworkNamespace, nil
	}
	return "", fmt.Errorf("--sysctl %s: not a namespaced kernel parameter (kernel.msg*, kernel.sem, kernel.shm*, "+
		"fs.mqueue.*, kernel.hostname, kernel.domainname, net.*): %w", name, errdefs.ErrInvalidArgument)
}

// hasNamespace reports whether the list has a namespace of type t, new or
// joined (a pod's).
func hasNamespace(namespaces []specs.LinuxNamespace, t specs.LinuxNamespaceType) bool {
	for _, n := range namespaces {
		if n.Type == t {
			return true
		}
	}
	return false
}

// RlimitNumber is the resource number of an rlimit by its OCI name
// ("RLIMIT_NOFILE"), for getrlimit(2).
func RlimitNumber(name string) (int, bool) {
	n, ok := rlimitTypes[name]
	return n, ok
}
