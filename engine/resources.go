package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/spec"
	"github.com/podunit/podunit/engine/systemd"
)

// minMemory is the smallest --memory Podman accepts.
const minMemory = 6 << 20

// cpuPeriod is the CFS period --cpus is spread over, in microseconds, Podman's.
const cpuPeriod = 100000

// completeResources checks r and fills in what Podman derives: a --memory
// without --memory-swap may use as much swap again.
func completeResources(r *model.Resources, network string) error {
	if err := checkMemory(r); err != nil {
		return err
	}
	if r.Memory > 0 && r.MemorySwap == 0 {
		r.MemorySwap = 2 * r.Memory
	}
	if r.CPUShares != 0 && (r.CPUShares < 2 || r.CPUShares > 262144) {
		return fmt.Errorf("--cpu-shares %d: want 2 to 262144: %w", r.CPUShares, errdefs.ErrInvalidArgument)
	}
	for flag, v := range map[string]string{"--cpuset-cpus": r.CpusetCPUs, "--cpuset-mems": r.CpusetMems} {
		if _, err := parseCPUList(v); err != nil {
			return fmt.Errorf("%s %q: %v: %w", flag, v, err, errdefs.ErrInvalidArgument)
		}
	}
	if a := r.OOMScoreAdj; a != nil && (*a < -1000 || *a > 1000) {
		return fmt.Errorf("--oom-score-adj %d: want -1000 to 1000: %w", *a, errdefs.ErrInvalidArgument)
	}
	for k := range r.Sysctls {
		ns, err := spec.SysctlNamespace(k)
		if err != nil {
			return err
		}
		if ns == specs.NetworkNamespace && network == "host" {
			return fmt.Errorf("--sysctl %s: the container uses the host's network (--network host): %w", k, errdefs.ErrInvalidArgument)
		}
		if k == "kernel.hostname" {
			return fmt.Errorf("--sysctl %s: set the host name with --hostname: %w", k, errdefs.ErrInvalidArgument)
		}
	}
	return checkHostResources(r)
}

func checkMemory(r *model.Resources) error {
	switch {
	case r.Memory != 0 && r.Memory < minMemory:
		return fmt.Errorf("--memory %d: the minimum is 6 MiB: %w", r.Memory, errdefs.ErrInvalidArgument)
	case r.MemorySwap != 0 && r.Memory == 0:
		return fmt.Errorf("--memory-swap needs --memory: %w", errdefs.ErrInvalidArgument)
	case r.MemorySwap > 0 && r.MemorySwap < r.Memory:
		return fmt.Errorf("--memory-swap %d is less than --memory %d (it counts memory and swap together): %w",
			r.MemorySwap, r.Memory, errdefs.ErrInvalidArgument)
	case r.Memory > 0 && r.MemoryReservation > r.Memory:
		return fmt.Errorf("--memory-reservation %d is more than --memory %d: %w", r.MemoryReservation, r.Memory, errdefs.ErrInvalidArgument)
	}
	return nil
}

// parseCPUList reads a cpuset list ("0-2,4") into its members.
func parseCPUList(s string) ([]int, error) {
	var out []int
	if s == "" {
		return nil, nil
	}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(hi)
		}
		if err != nil || a < 0 || b < a || b > 4095 {
			return nil, fmt.Errorf("want numbers and ranges such as 0-2,4")
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	return out, nil
}

// specLimits is what the spec needs of r.
func specLimits(r model.Resources) spec.Limits {
	l := spec.Limits{Memory: r.Memory, MemorySwap: r.MemorySwap, MemoryReservation: r.MemoryReservation,
		CPUShares: r.CPUShares, CpusetCPUs: r.CpusetCPUs, CpusetMems: r.CpusetMems,
		Sysctl: r.Sysctls, ShmSize: r.ShmSize, OOMScoreAdj: r.OOMScoreAdj}
	if r.NanoCPUs > 0 {
		l.CPUQuota, l.CPUPeriod = r.NanoCPUs*cpuPeriod/1e9, cpuPeriod
	}
	for _, u := range r.Ulimits {
		l.Ulimits = append(l.Ulimits, specs.POSIXRlimit{Type: u.Name, Soft: rlimitValue(u.Soft), Hard: rlimitValue(u.Hard)})
	}
	return l
}

// rlimitValue is an rlimit as the kernel takes it: -1 is RLIM_INFINITY.
func rlimitValue(v int64) uint64 {
	if v < 0 {
		return unlimited
	}
	return uint64(v)
}

// pidsLimit is the spec's pids limit for r (0 the default, < 0 none).
func pidsLimit(r model.Resources) int64 {
	switch {
	case r.PidsLimit == nil:
		return 0
	case *r.PidsLimit <= 0:
		return -1
	}
	return *r.PidsLimit
}

// unitResources are the limits of r that systemd owns for the container's
// unit, set on the unit too so that `systemctl show` reports them (memory
// and tasks no lower than unit-start needs: model.UnitMinMemory).
func unitResources(r model.Resources) []systemd.Property {
	var p []systemd.Property
	if m := r.UnitMemoryMax(); m > 0 {
		p = append(p, memoryMax(uint64(m))...)
	}
	if r.MemorySwap > 0 {
		p = append(p, systemd.Property{Name: "MemorySwapMax", Value: uint64(r.MemorySwap - r.Memory)})
	} else if r.MemorySwap < 0 {
		p = append(p, systemd.Property{Name: "MemorySwapMax", Value: unlimited})
	}
	if r.MemoryReservation > 0 {
		p = append(p, systemd.Property{Name: "MemoryLow", Value: uint64(r.MemoryReservation)})
	}
	if r.NanoCPUs > 0 {
		p = append(p, cpuQuota(uint64(r.NanoCPUs/1000)))
	}
	if r.CPUShares > 0 {
		p = append(p, systemd.Property{Name: "CPUShares", Value: r.CPUShares})
	}
	for name, list := range map[string]string{"AllowedCPUs": r.CpusetCPUs, "AllowedMemoryNodes": r.CpusetMems} {
		if cpus, _ := parseCPUList(list); len(cpus) > 0 {
			p = append(p, systemd.Property{Name: name, Value: cpuMask(cpus)})
		}
	}
	if n := r.UnitTasksMax(); n != 0 {
		p = append(p, systemd.Property{Name: "TasksMax", Value: rlimitValue(n)})
	}
	return p
}

// memoryMax limits a unit's or a slice's memory on either hierarchy:
// MemoryMax= on the unified one, MemoryLimit= on cgroup v1.
func memoryMax(bytes uint64) []systemd.Property {
	return []systemd.Property{{Name: "MemoryMax", Value: bytes}, {Name: "MemoryLimit", Value: bytes}}
}

// cpuQuota is CPUQuota= as D-Bus has it: microseconds of CPU per second.
func cpuQuota(usecPerSec uint64) systemd.Property {
	return systemd.Property{Name: "CPUQuotaPerSecUSec", Value: usecPerSec}
}

// cpuMask is a CPU (or NUMA node) list as systemd's D-Bus bitmask: bit i
// of byte i/8.
func cpuMask(cpus []int) []byte {
	mask := make([]byte, cpus[len(cpus)-1]/8+1)
	for _, c := range cpus {
		if c/8 >= len(mask) {
			mask = append(mask, make([]byte, c/8+1-len(mask))...)
		}
		mask[c/8] |= 1 << (c % 8)
	}
	return mask
}

// cpusQuota is the pod slice's quota for cpus CPUs, in µs per second.
func cpusQuota(cpus float64) uint64 {
	return uint64(cpus * float64(time.Second/time.Microsecond))
}

// podResources gives a pod member what its pod sets for every member:
// the size of /dev/shm, unless the member sets its own.
func (e *Engine) podResources(ctx context.Context, c *model.Container) error {
	if c.Config.Pod == "" || c.Config.Resources.ShmSize != 0 {
		return nil
	}
	p, err := e.podOf(ctx, c)
	if err != nil {
		return err
	}
	c.Config.Resources.ShmSize = p.Config.ShmSize
	return nil
}
