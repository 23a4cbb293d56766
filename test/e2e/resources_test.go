package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// resourceFlags are one set of every resource flag; resourceScript prints
// what a container sees of them, one "key value" line each.
var resourceFlags = []string{"--memory", "256m", "--memory-swap", "512m", "--memory-reservation", "128m",
	"--cpus", "0.5", "--cpu-shares", "512", "--cpuset-cpus", "0", "--cpuset-mems", "0", "--pids-limit", "100",
	"--ulimit", "nofile=512:1024", "--ulimit", "core=0", "--shm-size", "32m",
	"--sysctl", "kernel.msgmax=4096", "--sysctl", "net.ipv4.ip_forward=1", "--oom-score-adj", "500"}

const resourceScript = `cg() { for f in "$@"; do [ -r "$f" ] && { cat "$f"; return; }; done; echo none; }
echo "mem $(cg /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max)"
echo "memsw $(cg /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes)"
echo "soft $(cg /sys/fs/cgroup/memory/memory.soft_limit_in_bytes /sys/fs/cgroup/memory.low)"
echo "quota $(cg /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us)"
echo "shares $(cg /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/cpu,cpuacct/cpu.shares)"
echo "cpuset $(cg /sys/fs/cgroup/cpuset/cpuset.cpus /sys/fs/cgroup/cpuset.cpus)"
echo "mems $(cg /sys/fs/cgroup/cpuset/cpuset.mems /sys/fs/cgroup/cpuset.mems)"
echo "pids $(cg /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max)"
echo "nofile $(ulimit -n) $(ulimit -Hn)"
echo "core $(ulimit -c)"
echo "msgmax $(cat /proc/sys/kernel/msgmax)"
echo "forward $(cat /proc/sys/net/ipv4/ip_forward)"
echo "shm $(df -k /dev/shm | awk 'NR==2 {print $2}')"
echo "oom $(cat /proc/self/oom_score_adj)"
`

// wantResources is what resourceScript prints for resourceFlags.
var wantResources = map[string]string{"mem": "268435456", "memsw": "536870912", "soft": "134217728",
	"quota": "50000", "shares": "512", "cpuset": "0", "mems": "0", "pids": "100",
	"nofile": "512 1024", "core": "0", "msgmax": "4096", "forward": "1", "shm": "32768", "oom": "500"}

// checkResourceView compares resourceScript's output with want.
func checkResourceView(t *testing.T, out string, want map[string]string) {
	t.Helper()
	checkPairs(t, "the container sees", out, " ", want)
}

// checkPairs compares the KEY<sep>VALUE lines of out with want.
func checkPairs(t *testing.T, what, out, sep string, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		k, v, _ := strings.Cut(line, sep)
		got[k] = v
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s %s=%q, want %q", what, k, got[k], v)
		}
	}
}

// TestResourcesHost runs a container with every resource flag on the host
// (runc, attached) and reads each limit from inside it; inspect shows them
// under Podman's names, and bad values are refused creating nothing.
func TestResourcesHost(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	args := append(append([]string{"run", "--rm"}, resourceFlags...), "bb", "sh", "-c", resourceScript)
	view := e.must(args...)
	t.Logf("container view:\n%s", view)
	checkResourceView(t, view, wantResources)

	e.must(append(append([]string{"create", "--name", "lim"}, resourceFlags...), "bb", "true")...)
	got := e.field("lim", "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.MemoryReservation}} "+
		"{{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}} {{.HostConfig.CpusetCpus}} {{.HostConfig.PidsLimit}} "+
		"{{.HostConfig.Ulimits}} {{.HostConfig.ShmSize}} {{.HostConfig.Sysctls}} {{.HostConfig.OomScoreAdj}}")
	want := "268435456 536870912 134217728 500000000 512 0 100 " +
		"[map[Hard:1024 Name:RLIMIT_NOFILE Soft:512] map[Hard:0 Name:RLIMIT_CORE Soft:0]] 33554432 " +
		"map[kernel.msgmax:4096 net.ipv4.ip_forward:1] 500"
	if got != want {
		t.Errorf("inspect:\n got %s\nwant %s", got, want)
	}
	e.must("rm", "lim")
	// a pod's --shm-size is each member's unless it sets its own
	e.must("pod", "create", "--name", "shm", "--shm-size", "16m")
	e.must("create", "--name", "m1", "--pod", "shm", "bb", "true")
	e.must("create", "--name", "m2", "--pod", "shm", "--shm-size", "8m", "bb", "true")
	if got := e.field("m1", "{{.HostConfig.ShmSize}}") + " " + e.field("m2", "{{.HostConfig.ShmSize}}"); got != "16777216 8388608" {
		t.Errorf("pod members' ShmSize: %s, want the pod's 16 MiB and the member's own 8 MiB", got)
	}
	e.must("pod", "rm", "-f", "shm")
	for _, bad := range [][]string{{"--memory", "12q"}, {"--cpus", "-1"}, {"--ulimit", "nofile=x"},
		{"--oom-score-adj", "5000"}, {"--memory-swap", "1g"}, {"--sysctl", "vm.swappiness=1"},
		{"--sysctl", "kernel.hostname=x"}, {"--cpuset-cpus", "4000"}} {
		r := e.run("create", "--name", "bad", bad[0], bad[1], "bb", "true")
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, bad[0]) {
			t.Errorf("create %s %s: exit %d, stderr %q; want 125 and an Error: naming the flag", bad[0], bad[1], r.code, r.err)
		}
	}
	if out := e.must("ps", "-aq"); out != "" {
		t.Errorf("bad values left containers: %q", out)
	}
}

// TestResourcesUnderSystemd runs a detached container with every resource
// flag under a real systemd, with each runtime: the container sees its
// limits, its unit carries the ones systemd owns (systemctl show) and
// systemd applies them to the unit's cgroup; a unit from `generate systemd
// --new` carries them too.
func TestResourcesUnderSystemd(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{})
	for _, rt := range []string{"crun", "runc"} {
		t.Run(rt, func(t *testing.T) {
			e := newEnv(t, sb, rt)
			e.image()
			t.Run("run -d", func(t *testing.T) { checkUnitResources(t, e) })
			t.Run("generate systemd --new", func(t *testing.T) { checkGeneratedResources(t, e) })
		})
	}
}

// unitLimits are the unit properties resourceFlags set, as systemctl shows them.
var unitLimits = map[string]string{"MemoryMax": "268435456", "MemoryLimit": "268435456", "MemorySwapMax": "268435456",
	"MemoryLow": "134217728", "CPUQuotaPerSecUSec": "500ms", "CPUShares": "512", "AllowedCPUs": "0",
	"AllowedMemoryNodes": "0", "TasksMax": "100"}

func checkUnitResources(t *testing.T, e *env) {
	e = e.on(t)
	unit := "podunit-lim.service"
	e.sb.DumpOnFailure(t, unit)
	args := append(append([]string{"run", "-d", "--name", "lim"}, resourceFlags...), "bb", "sh", "-c", resourceScript+"exec sleep 600")
	e.must(args...)
	var view string
	eventually(t, 10*time.Second, "the container's report in its log", func() bool {
		view = e.must("logs", "lim")
		return strings.Contains(view, "oom ")
	})
	t.Logf("container view:\n%s", view)
	checkResourceView(t, view, wantResources)
	checkUnitProperties(t, e, unit, unitLimits)
	// what systemd itself applied to the unit's cgroup (v1 controllers here)
	cg := "/sys/fs/cgroup/%s/system.slice/" + unit + "/%s"
	applied := map[string]string{"memory/memory.limit_in_bytes": "268435456", "cpu/cpu.cfs_quota_us": "50000",
		"cpu/cpu.shares": "512", "pids/pids.max": "100"}
	for file, want := range applied {
		ctrl, name, _ := strings.Cut(file, "/")
		got, errOut, _, _ := e.sb.Exec("cat", fmt.Sprintf(cg, ctrl, name))
		if strings.TrimSpace(got) != want {
			ls, _, _, _ := e.sb.Exec("sh", "-c", "ls -la /sys/fs/cgroup/ /sys/fs/cgroup/"+ctrl+"/system.slice/ | head -80")
			t.Errorf("unit cgroup %s = %q (%s), want %q\n%s", file, got, errOut, want, ls)
		}
	}
	e.must("rm", "-f", "-t", "0", "lim")
	// below what unit-start needs, the unit gets its floor and the container the exact limit
	e.must("run", "-d", "--name", "tiny", "-m", "6m", "--pids-limit", "3", "bb", "sleep", "600")
	checkUnitProperties(t, e, "podunit-tiny.service", map[string]string{"MemoryMax": "33554432", "TasksMax": "32"})
	inner := e.sh("cat /sys/fs/cgroup/memory/system.slice/podunit-tiny.service/container/memory.limit_in_bytes " +
		"/sys/fs/cgroup/pids/system.slice/podunit-tiny.service/container/pids.max")
	if inner != "6291456\n3\n" {
		t.Errorf("the container's cgroup of tiny: memory and pids limits %q, want 6291456 and 3", inner)
	}
	e.must("rm", "-f", "-t", "0", "tiny")
}

// checkUnitProperties compares `systemctl show` of unit with want.
func checkUnitProperties(t *testing.T, e *env, unit string, want map[string]string) {
	t.Helper()
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	out := e.sb.Run(t, "systemctl", "show", "-p", strings.Join(keys, ","), unit)
	checkPairs(t, "systemctl show "+unit+":", out, "=", want)
}

func checkGeneratedResources(t *testing.T, e *env) {
	e = e.on(t)
	unit := "container-gen.service"
	e.sb.DumpOnFailure(t, unit)
	e.must("create", "--name", "gen", "-m", "200m", "--cpus", "0.25", "--pids-limit", "50", "--ulimit", "nofile=300", "--stop-signal", "KILL",
		"bb", "sh", "-c", "ulimit -n; exec sleep 600")
	text := e.must("generate", "systemd", "--new", "gen")
	e.sh("cat > /etc/systemd/system/" + unit + " <<'UNIT_EOF'\n" + text + "UNIT_EOF\nsystemctl daemon-reload")
	e.sb.Run(t, "systemctl", "start", unit)
	checkUnitProperties(t, e, unit, map[string]string{"MemoryMax": "209715200", "CPUQuotaPerSecUSec": "250ms", "TasksMax": "50"})
	if got := e.field("gen", "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.Ulimits}}"); got != "209715200 250000000 50 [map[Hard:300 Name:RLIMIT_NOFILE Soft:300]]" {
		t.Errorf("the container the generated unit made: inspect %q", got)
	}
	e.sb.Run(t, "systemctl", "stop", unit)
	e.sh("rm /etc/systemd/system/" + unit + " && systemctl daemon-reload")
}
