package cgroups

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Usage is what a process's cgroups (and its network namespace) used.
// A counter the machine does not keep stays zero, with its Has flag false.
type Usage struct {
	CPUNanos, SystemNanos uint64 // CPU time in total and in the kernel
	MemUsage, MemLimit    uint64 // bytes; MemLimit 0 when there is none
	PIDs                  uint64
	BlockRead, BlockWrite uint64 // bytes
	NetRx, NetTx          uint64 // bytes, every interface but lo
	HasNet, HasBlock      bool
}

// Usage reads the counters of pid's cgroups: the v2 files where the
// unified hierarchy has them, else the v1 controllers that are mounted.
func (s *Set) Usage(pid int) Usage {
	u := s.counters()
	u.NetRx, u.NetTx, u.HasNet = netDev(pid)
	return u
}

// counters reads the cgroups' own counters.
func (s *Set) counters() Usage {
	var u Usage
	s.cpu(&u)
	s.memory(&u)
	u.PIDs, _ = s.first("pids.current", s.Unified, s.V1["pids"])
	s.blockIO(&u)
	return u
}

// first reads name as a number from the first of dirs that has it.
func (s *Set) first(name string, dirs ...string) (uint64, bool) {
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if n, ok := readUint(filepath.Join(d, name)); ok {
			return n, true
		}
	}
	return 0, false
}

func (s *Set) cpu(u *Usage) {
	if s.Unified != "" {
		st := readKeyed(filepath.Join(s.Unified, "cpu.stat"))
		u.CPUNanos, u.SystemNanos = st["usage_usec"]*1000, st["system_usec"]*1000
		if u.CPUNanos > 0 {
			return
		}
	}
	for _, ctrl := range []string{"cpuacct", "cpu,cpuacct"} {
		if d, ok := s.V1[ctrl]; ok {
			u.CPUNanos, _ = readUint(filepath.Join(d, "cpuacct.usage"))
			u.SystemNanos, _ = readUint(filepath.Join(d, "cpuacct.usage_sys"))
			return
		}
	}
}

// memory reads usage less the inactive file cache, as Podman shows it.
func (s *Set) memory(u *Usage) {
	if d := s.Unified; d != "" && fileExists(filepath.Join(d, "memory.current")) {
		u.MemUsage, _ = readUint(filepath.Join(d, "memory.current"))
		u.MemLimit = lowest(d, "memory.max")
		u.MemUsage -= min(u.MemUsage, readKeyed(filepath.Join(d, "memory.stat"))["inactive_file"])
		return
	}
	if d, ok := s.V1["memory"]; ok {
		u.MemUsage, _ = readUint(filepath.Join(d, "memory.usage_in_bytes"))
		u.MemLimit = lowest(d, "memory.limit_in_bytes")
		u.MemUsage -= min(u.MemUsage, readKeyed(filepath.Join(d, "memory.stat"))["total_inactive_file"])
	}
}

// lowest is the smallest limit in name of dir and its ancestors, the one
// that binds (a pod's slice limits its members); 0 when none is set.
func lowest(dir, name string) uint64 {
	var low uint64
	for ; fileExists(filepath.Join(dir, name)); dir = filepath.Dir(dir) {
		if n, ok := readUint(filepath.Join(dir, name)); ok && (low == 0 || n < low) {
			low = n
		}
	}
	return low
}

func (s *Set) blockIO(u *Usage) {
	if d := s.Unified; d != "" && fileExists(filepath.Join(d, "io.stat")) {
		for _, line := range readLines(filepath.Join(d, "io.stat")) {
			for _, kv := range strings.Fields(line)[1:] {
				k, v, _ := strings.Cut(kv, "=")
				n, _ := strconv.ParseUint(v, 10, 64)
				switch k {
				case "rbytes":
					u.BlockRead += n
				case "wbytes":
					u.BlockWrite += n
				}
			}
		}
		u.HasBlock = true
		return
	}
	d, ok := s.V1["blkio"]
	if !ok {
		return
	}
	for _, name := range []string{"blkio.throttle.io_service_bytes_recursive", "blkio.io_service_bytes_recursive"} {
		if lines := readLines(filepath.Join(d, name)); lines != nil {
			u.BlockRead, u.BlockWrite = blkioBytes(lines)
			u.HasBlock = true
			return
		}
	}
}

// blkioBytes sums the v1 "MAJ:MIN Read|Write N" lines.
func blkioBytes(lines []string) (read, write uint64) {
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		n, _ := strconv.ParseUint(f[2], 10, 64)
		switch f[1] {
		case "Read":
			read += n
		case "Write":
			write += n
		}
	}
	return read, write
}

// netDev sums the bytes of pid's network namespace's interfaces but lo.
func netDev(pid int) (rx, tx uint64, ok bool) {
	lines := readLines("/proc/" + strconv.Itoa(pid) + "/net/dev")
	if lines == nil {
		return 0, 0, false
	}
	for _, line := range lines {
		name, rest, found := strings.Cut(line, ":")
		f := strings.Fields(rest)
		if !found || strings.TrimSpace(name) == "lo" || len(f) < 9 {
			continue
		}
		r, _ := strconv.ParseUint(f[0], 10, 64)
		t, _ := strconv.ParseUint(f[8], 10, 64)
		rx, tx = rx+r, tx+t
	}
	return rx, tx, true
}

// readKeyed reads "key value" lines into a map; nil when it cannot.
func readKeyed(p string) map[string]uint64 {
	lines := readLines(p)
	if lines == nil {
		return nil
	}
	m := map[string]uint64{}
	for _, line := range lines {
		if f := strings.Fields(line); len(f) == 2 {
			m[f[0]], _ = strconv.ParseUint(f[1], 10, 64)
		}
	}
	return m
}

// readLines reads a file's lines; nil when it cannot.
func readLines(p string) []string {
	f, err := os.Open(p)
	if err != nil {
		return nil
	}
	defer f.Close()
	lines := []string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// HostMemory is the machine's memory in bytes (MemTotal), the limit of a
// container without one.
func HostMemory() uint64 {
	for _, line := range readLines("/proc/meminfo") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseUint(f[0], 10, 64)
				return n * 1024
			}
		}
	}
	return 0
}
