package engine

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/model"
)

// Process is one process of a running container, for `top`.
type Process struct {
	Container string // the container's name
	PID, PPID int
	User      string // the real UID's name in the container's /etc/passwd, else the number
	Command   string
}

// PodTop lists the processes of every running member of a pod, as Top
// does for one container (Podman's pod top): the same descriptors and
// header, the rows of the members one after another.
func (e *Engine) PodTop(ctx context.Context, ref string, descriptors []string) ([]string, [][]string, error) {
	cols, err := parseDescriptors(descriptors)
	if err != nil {
		return nil, nil, err
	}
	p, err := e.store.Pod(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	members, err := e.PodContainers(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	var rows [][]string
	for _, c := range members {
		if c.State.Status == model.Running {
			rows = append(rows, topRows(c, cols)...)
		}
	}
	return topHeader(cols), rows, nil
}

// containerProcesses finds the processes that share the init's cgroup.
func containerProcesses(c *model.Container) []Process {
	cg := procCgroup(c.State.Pid)
	if cg == "" {
		return nil
	}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var out []Process
	pidns := pidNamespaceOf(c.State.Pid)
	for _, d := range dirs {
		pid, _ := strconv.Atoi(filepath.Base(d))
		if pc := procCgroup(pid); (pc == cg || strings.HasPrefix(pc, cg+"/")) && pidns.has(pid) {
			out = append(out, readProcess(c.Name, pid))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PID < out[j].PID })
	return out
}

// procCgroup is a process's cgroup in the systemd hierarchy (or unified).
func procCgroup(pid int) string {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		return ""
	}
	defer f.Close()
	var unified string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "0::"); ok {
			unified = rest
		}
		if i := strings.Index(line, ":name=systemd:"); i >= 0 {
			return line[i+len(":name=systemd:"):]
		}
	}
	return unified
}

func readProcess(name string, pid int) Process {
	p := Process{Container: name, PID: pid}
	dir := "/proc/" + strconv.Itoa(pid)
	if b, err := os.ReadFile(dir + "/cmdline"); err == nil {
		p.Command = strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
	}
	if b, err := os.ReadFile(dir + "/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			switch {
			case len(f) > 1 && f[0] == "PPid:":
				p.PPID, _ = strconv.Atoi(f[1])
			case len(f) > 1 && f[0] == "Uid:":
				p.User = f[1]
			}
		}
	}
	return p
}
