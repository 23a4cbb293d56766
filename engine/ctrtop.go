package engine

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// DefaultTopDescriptors are the columns `top` shows when none are given,
// Podman's (psgo's) defaults.
var DefaultTopDescriptors = []string{"user", "pid", "ppid", "pcpu", "etime", "tty", "time", "args"}

// topColumn is one `top` descriptor: its header and how it reads a process.
type topColumn struct {
	header string
	value  func(p *procInfo) string
}

// topColumns are the descriptors Podman's top knows, by name; topAIX maps
// ps(1)'s AIX format codes onto them.
var topColumns = map[string]topColumn{
	"args":   {"COMMAND", func(p *procInfo) string { return p.args }},
	"comm":   {"COMMAND", func(p *procInfo) string { return p.comm }},
	"etime":  {"ELAPSED", func(p *procInfo) string { return fmtDuration(p.elapsed) }},
	"group":  {"GROUP", func(p *procInfo) string { return p.names.group(p.gid) }},
	"hgroup": {"HGROUP", func(p *procInfo) string { return p.host.group(p.gid) }},
	"huser":  {"HUSER", func(p *procInfo) string { return p.host.user(p.uid) }},
	"nice":   {"NI", func(p *procInfo) string { return strconv.Itoa(p.nice) }},
	"pcpu":   {"%CPU", func(p *procInfo) string { return p.pcpu() }},
	"pgid":   {"PGID", func(p *procInfo) string { return strconv.Itoa(p.pgid) }},
	"pid":    {"PID", func(p *procInfo) string { return strconv.Itoa(p.pid) }},
	"ppid":   {"PPID", func(p *procInfo) string { return strconv.Itoa(p.ppid) }},
	"rgroup": {"RGROUP", func(p *procInfo) string { return p.names.group(p.rgid) }},
	"ruser":  {"RUSER", func(p *procInfo) string { return p.names.user(p.ruid) }},
	"rss":    {"RSS", func(p *procInfo) string { return strconv.FormatUint(p.rssKiB, 10) }},
	"state":  {"STATE", func(p *procInfo) string { return p.state }},
	"stime":  {"STIME", func(p *procInfo) string { return p.started.Format("2006-01-02 15:04:05 -0700 MST") }},
	"time":   {"TIME", func(p *procInfo) string { return fmtDuration(p.cpu) }},
	"tty":    {"TTY", func(p *procInfo) string { return p.tty }},
	"user":   {"USER", func(p *procInfo) string { return p.names.user(p.uid) }},
	"vsz":    {"VSZ", func(p *procInfo) string { return strconv.FormatUint(p.vszKiB, 10) }},
}

var topAIX = map[string]string{
	"%C": "pcpu", "%G": "group", "%P": "ppid", "%U": "user", "%a": "args", "%c": "comm",
	"%g": "rgroup", "%n": "nice", "%p": "pid", "%r": "pgid", "%t": "etime", "%u": "ruser",
	"%x": "time", "%y": "tty", "%z": "vsz",
}

// Top lists the processes of a running container: a header and one row per
// process in its cgroup, with the columns descriptors name (Podman's
// descriptors or ps(1)'s AIX codes; comma- or space-separated).
func (e *Engine) Top(ctx context.Context, ref string, descriptors []string) ([]string, [][]string, error) {
	cols, err := parseDescriptors(descriptors)
	if err != nil {
		return nil, nil, err
	}
	c, err := e.container(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	if c.State.Status != model.Running {
		return nil, nil, fmt.Errorf("top of container %q: it is %s, not running: %w", c.Name, c.State.Status, errdefs.ErrConflict)
	}
	if err := e.rootlessHere(c); err != nil {
		return nil, nil, err
	}
	return topHeader(cols), topRows(c, cols), nil
}

// topHeader is the header line of cols.
func topHeader(cols []topColumn) []string {
	header := make([]string, len(cols))
	for i, col := range cols {
		header[i] = col.header
	}
	return header
}

// topRows are the rows of cols for each process of the running c, users
// and groups named from c's own files.
func topRows(c *model.Container, cols []topColumn) [][]string {
	names := newIDNames("/proc/" + strconv.Itoa(c.State.Pid) + "/root")
	host := newIDNames("/")
	var rows [][]string
	for _, info := range inContainerPIDs(containerProcesses(c)) {
		info.names, info.host = names, host
		row := make([]string, len(cols))
		for i, col := range cols {
			row[i] = col.value(info)
		}
		rows = append(rows, row)
	}
	return rows
}

// inContainerPIDs reads the processes and numbers them as the container
// sees them (its init is 1, its parent 0), as Podman's top does.
func inContainerPIDs(procs []Process) []*procInfo {
	var infos []*procInfo
	ns := map[int]int{}
	for _, pr := range procs {
		info, err := readProcInfo(pr.PID)
		if err != nil {
			continue // it exited while we looked
		}
		if info.nsPid > 0 {
			ns[info.pid] = info.nsPid
		}
		infos = append(infos, info)
	}
	for _, info := range infos {
		if n, ok := ns[info.pid]; ok {
			info.pid, info.ppid = n, ns[info.ppid] // 0 for a parent outside
		}
	}
	return infos
}

// parseDescriptors turns top's arguments into columns.
func parseDescriptors(args []string) ([]topColumn, error) {
	var names []string
	for _, a := range args {
		names = append(names, strings.FieldsFunc(a, func(r rune) bool { return r == ',' || r == ' ' })...)
	}
	if len(names) == 0 {
		names = DefaultTopDescriptors
	}
	cols := make([]topColumn, 0, len(names))
	for _, n := range names {
		if aix, ok := topAIX[n]; ok {
			n = aix
		}
		col, ok := topColumns[n]
		if !ok {
			return nil, fmt.Errorf("top: unknown descriptor %q: %w", n, errdefs.ErrInvalidArgument)
		}
		cols = append(cols, col)
	}
	return cols, nil
}

// fmtDuration prints a duration as Podman's top (psgo) does: Go's form,
// unrounded ("1m30.25s").
func fmtDuration(d time.Duration) string { return d.String() }

// idNames maps IDs to names through one root's /etc/passwd and /etc/group.
type idNames struct{ users, groups map[int]string }

func newIDNames(root string) *idNames {
	return &idNames{users: readIDFile(root + "/etc/passwd"), groups: readIDFile(root + "/etc/group")}
}

// readIDFile reads name:x:id:... lines into id → name (the first wins).
func readIDFile(path string) map[int]string {
	m := map[int]string{}
	f, err := os.Open(path)
	if err != nil {
		return m
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) < 3 {
			continue
		}
		if id, err := strconv.Atoi(fields[2]); err == nil {
			if _, dup := m[id]; !dup {
				m[id] = fields[0]
			}
		}
	}
	return m
}

func (n *idNames) user(id int) string  { return nameOr(n.users, id) }
func (n *idNames) group(id int) string { return nameOr(n.groups, id) }

func nameOr(m map[int]string, id int) string {
	if s, ok := m[id]; ok {
		return s
	}
	return strconv.Itoa(id)
}
