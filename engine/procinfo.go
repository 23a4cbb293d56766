package engine

import (
	"fmt"
	"github.com/podunit/podunit/internal/procstat"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times: 100 on every
// Linux architecture podunit builds for.
const clockTicks = 100

// procInfo is what `top` shows of one process, read from /proc.
type procInfo struct {
	pid, ppid, pgid, nice  int
	nsPid                  int // the PID in the process's own PID namespace
	uid, ruid, gid, rgid   int
	state, tty, comm, args string
	cpu, elapsed           time.Duration
	started                time.Time
	vszKiB, rssKiB         uint64
	names, host            *idNames // the container's and the host's
}

// pcpu is the share of one CPU the process used over its life, as ps shows it.
func (p *procInfo) pcpu() string {
	if p.elapsed <= 0 {
		return "0.000"
	}
	return strconv.FormatFloat(100*p.cpu.Seconds()/p.elapsed.Seconds(), 'f', 3, 64)
}

// readProcInfo reads /proc/PID/{stat,status,cmdline}.
func readProcInfo(pid int) (*procInfo, error) {
	dir := "/proc/" + strconv.Itoa(pid)
	st, err := procstat.Read(pid)
	if err != nil {
		return nil, err
	}
	p := &procInfo{pid: pid}
	if err := p.parseStat(st); err != nil {
		return nil, fmt.Errorf("%s/stat: %w", dir, err)
	}
	if b, err := os.ReadFile(dir + "/status"); err == nil {
		p.parseStatus(string(b))
	}
	if b, err := os.ReadFile(dir + "/cmdline"); err == nil && len(b) > 0 {
		p.args = strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
	} else {
		p.args = "[" + p.comm + "]"
	}
	p.tty = ttyName(dir)
	return p, nil
}

// parseStat takes the fields ps shows from /proc/PID/stat.
func (p *procInfo) parseStat(st procstat.Stat) error {
	p.comm = st.Comm
	f := st.Fields // f[0] is field 3 (state)
	if len(f) < 22 {
		return fmt.Errorf("malformed: %d fields", len(f)+2)
	}
	num := func(i int) uint64 { n, _ := strconv.ParseUint(f[i-3], 10, 64); return n }
	p.state = f[0]
	p.ppid, p.pgid = int(num(4)), int(num(5))
	p.nice, _ = strconv.Atoi(f[19-3])
	p.cpu = ticks(num(14) + num(15))
	p.vszKiB = num(23) / 1024
	p.rssKiB = num(24) * uint64(os.Getpagesize()) / 1024
	boot := bootTime()
	p.started = boot.Add(ticks(num(22)))
	p.elapsed = time.Since(p.started)
	return nil
}

// parseStatus picks the real and effective UIDs and GIDs.
func (p *procInfo) parseStatus(s string) {
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "Uid:":
			p.ruid, _ = strconv.Atoi(f[1])
			p.uid, _ = strconv.Atoi(f[2])
		case "Gid:":
			p.rgid, _ = strconv.Atoi(f[1])
			p.gid, _ = strconv.Atoi(f[2])
		case "NSpid:":
			p.nsPid, _ = strconv.Atoi(f[len(f)-1])
		}
	}
}

func ticks(n uint64) time.Duration { return time.Duration(n) * time.Second / clockTicks }

// bootTime is when the machine booted, from /proc/uptime.
func bootTime() time.Time {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return time.Now()
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return time.Now()
	}
	up, _ := strconv.ParseFloat(f[0], 64)
	return time.Now().Add(-time.Duration(up * float64(time.Second)))
}

// ttyName is the terminal on the process's stdin, "?" without one.
func ttyName(dir string) string {
	target, err := os.Readlink(dir + "/fd/0")
	if err != nil {
		return "?"
	}
	if rest, ok := strings.CutPrefix(target, "/dev/"); ok && (strings.HasPrefix(rest, "pts/") || strings.HasPrefix(rest, "tty")) {
		return rest
	}
	if strings.HasPrefix(filepath.Base(target), "pts") {
		return target
	}
	return "?"
}
