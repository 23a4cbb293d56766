package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// host is what Generate needs to know about the machine it runs on. It is
// probed once per process; tests pass their own.
type host struct {
	// arch is the Go name of the architecture (runtime.GOARCH).
	arch string
	// caps are the sorted "CAP_" names of the capabilities the kernel knows.
	caps []string
	// rlimits are the caller's limits, by type name ("RLIMIT_NOFILE").
	rlimits map[string]specs.POSIXRlimit
	// cgroupNS reports whether the kernel has cgroup namespaces.
	cgroupNS bool
	// extraMasked are host-dependent paths podman masks as well
	// (/sys/devices/system/cpu/cpu*/thermal_throttle).
	extraMasked []string
}

// rlimitTypes maps the rlimit names of the OCI spec to resource numbers.
var rlimitTypes = map[string]int{
	"RLIMIT_AS":         unix.RLIMIT_AS,
	"RLIMIT_CORE":       unix.RLIMIT_CORE,
	"RLIMIT_CPU":        unix.RLIMIT_CPU,
	"RLIMIT_DATA":       unix.RLIMIT_DATA,
	"RLIMIT_FSIZE":      unix.RLIMIT_FSIZE,
	"RLIMIT_LOCKS":      unix.RLIMIT_LOCKS,
	"RLIMIT_MEMLOCK":    unix.RLIMIT_MEMLOCK,
	"RLIMIT_MSGQUEUE":   unix.RLIMIT_MSGQUEUE,
	"RLIMIT_NICE":       unix.RLIMIT_NICE,
	"RLIMIT_NOFILE":     unix.RLIMIT_NOFILE,
	"RLIMIT_NPROC":      unix.RLIMIT_NPROC,
	"RLIMIT_RSS":        unix.RLIMIT_RSS,
	"RLIMIT_RTPRIO":     unix.RLIMIT_RTPRIO,
	"RLIMIT_RTTIME":     unix.RLIMIT_RTTIME,
	"RLIMIT_SIGPENDING": unix.RLIMIT_SIGPENDING,
	"RLIMIT_STACK":      unix.RLIMIT_STACK,
}

// thermalThrottleGlob is the pattern podman's config adds to its masked paths.
const thermalThrottleGlob = "/sys/devices/system/cpu/cpu*/thermal_throttle"

var probeHost = sync.OnceValues(func() (host, error) {
	h := host{arch: runtime.GOARCH, rlimits: make(map[string]specs.POSIXRlimit, len(rlimitTypes))}
	list, err := capability.ListSupported()
	if err != nil {
		return host{}, fmt.Errorf("listing the kernel's capabilities: %w", err)
	}
	// A privileged container gets what the kernel knows and this process may
	// hand on: its own bounding set (here, for one, CAP_SYS_RESOURCE is missing,
	// and asking the runtime for it fails the whole create).
	own, err := capability.NewPid2(0)
	if err == nil {
		err = own.Load()
	}
	if err != nil {
		return host{}, fmt.Errorf("reading this process's capabilities: %w", err)
	}
	for _, c := range list {
		if own.Get(capability.BOUNDING, c) {
			h.caps = append(h.caps, "CAP_"+strings.ToUpper(c.String()))
		}
	}
	slices.Sort(h.caps)
	for name, res := range rlimitTypes {
		var rl unix.Rlimit
		if err := unix.Getrlimit(res, &rl); err != nil {
			return host{}, fmt.Errorf("getrlimit %s: %w", name, err)
		}
		h.rlimits[name] = specs.POSIXRlimit{Type: name, Hard: rl.Max, Soft: rl.Cur}
	}
	_, err = os.Stat("/proc/self/ns/cgroup")
	h.cgroupNS = err == nil
	h.extraMasked, _ = filepath.Glob(thermalThrottleGlob) // the pattern is valid
	return h, nil
})
