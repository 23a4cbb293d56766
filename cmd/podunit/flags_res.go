package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/docker/go-units"
	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// resFlags are create's and run's resource flags, Podman's names and forms.
type resFlags struct {
	memory, memorySwap, memoryReservation, shmSize string
	cpus, cpusetCPUs, cpusetMems                   string
	cpuShares                                      uint64
	pidsLimit                                      int64
	oomScoreAdj                                    int
	ulimits, sysctls                               []string
}

func (f *resFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.memory, "memory", "m", "", "memory limit (e.g. 512m, 1g); also the unit's MemoryMax=")
	fs.StringVar(&f.memorySwap, "memory-swap", "", "memory plus swap limit, -1 for unlimited swap (default twice --memory)")
	fs.StringVar(&f.memoryReservation, "memory-reservation", "", "memory soft limit (e.g. 256m)")
	fs.StringVar(&f.cpus, "cpus", "", "number of CPUs the container may use (e.g. 1.5)")
	fs.Uint64VarP(&f.cpuShares, "cpu-shares", "c", 0, "CPU shares, a relative weight (default 1024)")
	fs.StringVar(&f.cpusetCPUs, "cpuset-cpus", "", "CPUs the container may run on (0-3, 0,1)")
	fs.StringVar(&f.cpusetMems, "cpuset-mems", "", "memory nodes the container may use (0-3, 0,1)")
	fs.Int64Var(&f.pidsLimit, "pids-limit", model.DefaultPidsLimit, "process limit, -1 for none")
	stringArrayVar(fs, &f.ulimits, "ulimit", "set a resource limit: NAME=SOFT[:HARD] (nofile=1024:2048), -1 for unlimited")
	fs.StringVar(&f.shmSize, "shm-size", "", "size of /dev/shm (e.g. 128m; default 64m)")
	stringArrayVar(fs, &f.sysctls, "sysctl", "set a namespaced kernel parameter: NAME=VALUE")
	fs.IntVar(&f.oomScoreAdj, "oom-score-adj", 0, "tune the container's OOM killer preference (-1000 to 1000)")
}

// resources turns the flags into the container's resource record; a value
// that does not parse is an error naming its flag and value. changed tells
// whether a flag was given.
func (f *resFlags) resources(changed func(string) bool) (model.Resources, error) {
	var r model.Resources
	var err error
	sizes := []struct {
		flag, value string
		dst         *int64
	}{{"--memory", f.memory, &r.Memory}, {"--memory-reservation", f.memoryReservation, &r.MemoryReservation},
		{"--shm-size", f.shmSize, &r.ShmSize}}
	for _, s := range sizes {
		if *s.dst, err = parseSize(s.flag, s.value); err != nil {
			return r, err
		}
	}
	if f.memorySwap == "-1" {
		r.MemorySwap = -1
	} else if r.MemorySwap, err = parseSize("--memory-swap", f.memorySwap); err != nil {
		return r, err
	}
	if r.NanoCPUs, err = parseCPUs(f.cpus); err != nil {
		return r, err
	}
	r.CPUShares, r.CpusetCPUs, r.CpusetMems = f.cpuShares, f.cpusetCPUs, f.cpusetMems
	if changed("pids-limit") {
		r.PidsLimit = &f.pidsLimit
	}
	if changed("oom-score-adj") {
		r.OOMScoreAdj = &f.oomScoreAdj
	}
	if r.Ulimits, err = parseUlimits(f.ulimits); err != nil {
		return r, err
	}
	r.Sysctls, err = parseSysctls(f.sysctls)
	return r, err
}

// parseSize reads a size as Podman does (512m, 1g, 1.5G, 100 bytes); ""
// is 0, not given.
func parseSize(flag, s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := units.RAMInBytes(s)
	if err != nil {
		return 0, fmt.Errorf("%s %q: not a size (bytes, or a number with b, k, m or g): %w", flag, s, errdefs.ErrInvalidArgument)
	}
	return n, nil
}

// parseCPUs reads --cpus, a decimal number, as nanoCPUs; 0 is no limit,
// as in Podman and Docker.
func parseCPUs(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) || v*1e9 > math.MaxInt64 {
		return 0, fmt.Errorf("--cpus %q: want a number of CPUs (such as 1.5; 0 for no limit): %w", s, errdefs.ErrInvalidArgument)
	}
	return int64(math.Round(v * 1e9)), nil
}

// parseUlimits reads NAME=SOFT[:HARD] (or "unlimited" for -1).
func parseUlimits(list []string) ([]model.Ulimit, error) {
	var out []model.Ulimit
	for _, v := range list {
		u, err := units.ParseUlimit(strings.ReplaceAll(v, "unlimited", "-1"))
		if err == nil && (u.Soft < -1 || u.Hard < -1) {
			err = fmt.Errorf("a limit below -1")
		}
		if err != nil {
			return nil, fmt.Errorf("--ulimit %q: %v (want NAME=SOFT[:HARD], such as nofile=1024:2048): %w", v, err, errdefs.ErrInvalidArgument)
		}
		u.Name = "RLIMIT_" + strings.ToUpper(u.Name)
		for i := range out { // a later one for the same limit wins
			if out[i].Name == u.Name {
				out = append(out[:i], out[i+1:]...)
				break
			}
		}
		out = append(out, model.Ulimit{Name: u.Name, Soft: u.Soft, Hard: u.Hard})
	}
	return out, nil
}

// parseSysctls reads NAME=VALUE; the engine checks the names.
func parseSysctls(list []string) (map[string]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, v := range list {
		k, val, ok := strings.Cut(v, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("--sysctl %q: want NAME=VALUE: %w", v, errdefs.ErrInvalidArgument)
		}
		out[strings.TrimSpace(k)] = val
	}
	return out, nil
}
