package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestPods runs pods under the harness's systemd with crun.
func TestPods(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	e.image()
	t.Run("three members share namespaces and nothing else runs", func(t *testing.T) { checkPodShares(t, e) })
	t.Run("init creates without starting", func(t *testing.T) { checkPodInit(t, e) })
	t.Run("a bad member is named and the others start", func(t *testing.T) { checkPodBadMember(t, e) })
	for _, verb := range [][]string{{"pod", "stop"}, {"pod", "kill", "-s", "KILL"}, {"pod", "rm", "-f", "-t", "0"}} {
		t.Run(strings.Join(verb, " ")+" leaves nothing", func(t *testing.T) { checkPodTeardown(t, e, verb) })
	}
	t.Run("systemctl stop of the pod unit", func(t *testing.T) { checkPodSystemctlStop(t, e) })
	t.Run("systemctl restart of the pod unit", func(t *testing.T) { checkPodSystemctlRestart(t, e) })
	t.Run("concurrent pod and member commands", func(t *testing.T) { checkPodConcurrency(t, e) })
	t.Run("bad input", func(t *testing.T) { checkPodBadInput(t, e) })
	t.Run("--replace takes a name, never an ID prefix", func(t *testing.T) { checkReplaceByName(t, e) })
	t.Run("limits on the pod's slice and --pod new:", func(t *testing.T) { checkPodLimits(t, e) })
	t.Run("--share pid: one holder, members see each other", func(t *testing.T) { checkPodSharePID(t, e) })
}

// newPod creates pod name with members running the given shell scripts.
func newPod(e *env, name string, scripts ...string) {
	e.t.Helper()
	newPodWith(e, name, nil, scripts...)
}

// newPodWith is newPod with more create flags for every member.
func newPodWith(e *env, name string, flags []string, scripts ...string) {
	e.t.Helper()
	e.must("pod", "create", "--name", name, "--hostname", name+"-host")
	e.t.Cleanup(func() { e.run("pod", "rm", "-f", "-t", "0", name) })
	for i, s := range scripts {
		args := append([]string{"create", "--pod", name, "--name", fmt.Sprintf("%s-m%d", name, i), "--stop-signal", "KILL"}, flags...)
		e.must(append(args, "bb", "sh", "-c", s)...)
	}
}

func checkPodShares(t *testing.T, e *env) {
	e = e.on(t)
	e.sb.DumpOnFailure(t, "web-pod.service", "podunit-web-m0.service", "podunit-web-m1.service")
	newPod(e, "web",
		"echo hello-from-m0 > /tmp/index.html; exec httpd -f -p 127.0.0.1:8080 -h /tmp",
		"until wget -qO- http://127.0.0.1:8080/ 2>/dev/null; do sleep 0.1; done; hostname; exec sleep 600",
		"hostname; exec sleep 600")
	e.must("pod", "start", "web")
	eventually(t, 15*time.Second, "m1 to reach m0 over the pod's loopback", func() bool {
		return strings.Contains(e.run("logs", "web-m1").out, "hello-from-m0")
	})
	for _, m := range []string{"web-m1", "web-m2"} {
		m := m
		eventually(t, 10*time.Second, m+" to print its host name", func() bool {
			return strings.Contains(e.run("logs", m).out, "web-host")
		})
	}
	var netns []string
	for i := 0; i < 3; i++ {
		pid := e.field(fmt.Sprintf("web-m%d", i), "{{.State.Pid}}")
		netns = append(netns, strings.TrimSpace(e.sh("readlink /proc/"+pid+"/ns/net")))
	}
	if netns[0] != netns[1] || netns[1] != netns[2] || netns[0] == strings.TrimSpace(e.sh("readlink /proc/self/ns/net")) {
		t.Fatalf("members' network namespaces: %v", netns)
	}
	if others := podCgroupStrangers(e, "web"); others != "" {
		t.Fatalf("processes in the pod's slice besides the members':\n%s", others)
	}
	if got := e.must("pod", "ps", "--format", "{{.Name}} {{.Status}} {{.NumberOfContainers}}"); got != "web Running 3\n" {
		t.Fatalf("pod ps: %q", got)
	}
	// pod top names users from the container's passwd and has top's
	// columns and descriptors, as podman pod top does
	top := e.must("pod", "top", "web")
	if !strings.HasPrefix(top, "USER ") || !regexp.MustCompile(`(?m)^root\s+1\s+0\s+\S+\s+\S+\s+\?\s+\S+\s+sleep 600$`).MatchString(top) {
		t.Fatalf("pod top:\n%s", top)
	}
	if top := e.must("pod", "top", "web", "user,args"); !regexp.MustCompile(`(?m)\AUSER\s+COMMAND\n(root\s+.*\n)+\z`).MatchString(top) {
		t.Fatalf("pod top user,args:\n%s", top)
	}
	e.must("pod", "rm", "-f", "-t", "0", "web")
}

// podCgroupStrangers lists processes in the pod's slice that are not a
// member's init or its descendants (no pause, no podunit, no runtime).
func podCgroupStrangers(e *env, pod string) string {
	script := `for p in /proc/[0-9]*; do
		if grep -q "podunit-` + pod + `.slice" $p/cgroup 2>/dev/null; then
			c=$(cat $p/comm); case $c in sh|httpd|sleep|wget) ;; *) echo ${p#/proc/} $c;; esac
		fi
	done`
	return strings.TrimSpace(e.sh(script))
}

func checkPodInit(t *testing.T, e *env) {
	e = e.on(t)
	newPod(e, "ini", "exec sleep 600", "exec sleep 600")
	since := time.Now().Add(-time.Second).Format(time.RFC3339)
	e.must("pod", "init", "ini")
	for _, m := range []string{"ini-m0", "ini-m1"} {
		if st := e.field(m, "{{.State.Status}}"); st != "created" {
			t.Errorf("%s after pod init: %s", m, st)
		}
		id := e.field(m, "{{.ID}}")
		state := e.sh(fmt.Sprintf("crun --root %s/run/podunit/runtime/crun state %s", e.dir, id))
		if !strings.Contains(state, `"status": "created"`) {
			t.Errorf("runtime state of %s after pod init:\n%s", m, state)
		}
	}
	// stop of an initialized member ends its waiting init and its unit
	e.must("stop", "ini-m1")
	if st := e.field("ini-m1", "{{.State.Status}}"); st != "exited" {
		t.Errorf("ini-m1 after stop: %s, want exited", st)
	}
	if st := unitProp(t, e, "podunit-ini-m1.service", "ActiveState"); st != "inactive" {
		t.Errorf("ini-m1's unit after stop: %s", st)
	}
	e.must("pod", "start", "ini")
	for _, m := range []string{"ini-m0", "ini-m1"} {
		if st := e.field(m, "{{.State.Status}}"); st != "running" {
			t.Errorf("%s after pod start: %s", m, st)
		}
		// one start each: ini-m0's init released (releaseInitialized), ini-m1 started again
		starts := e.must("events", "--stream=false", "--since", since, "--filter", "container="+m, "--filter", "event=start",
			"--format", "{{.Status}} {{.Name}}")
		if starts != "start "+m+"\n" {
			t.Errorf("%s's start events since pod init: %q", m, starts)
		}
		pid := e.field(m, "{{.State.Pid}}")
		// crun start returns once it has released the init, which then execs
		eventually(t, 10*time.Second, m+"'s init to run sleep", func() bool {
			return strings.TrimSpace(e.sh("cat /proc/"+pid+"/comm")) == "sleep"
		})
	}
	e.must("pod", "rm", "-f", "-t", "0", "ini")
}

func checkPodBadMember(t *testing.T, e *env) {
	e = e.on(t)
	newPod(e, "mixed", "exec sleep 600", "exec sleep 600")
	e.must("create", "--pod", "mixed", "--name", "mixed-bad", "bb", "no-such-command")
	r := e.run("pod", "start", "mixed")
	if r.code == 0 || !strings.Contains(r.err, `"mixed-bad"`) || strings.Contains(r.err, "mixed-m0") {
		t.Fatalf("pod start with a bad member: exit %d, stderr %q", r.code, r.err)
	}
	for _, m := range []string{"mixed-m0", "mixed-m1"} {
		if st := e.field(m, "{{.State.Status}}"); st != "running" {
			t.Errorf("%s: %s", m, st)
		}
	}
	e.must("pod", "rm", "-f", "-t", "0", "mixed")
}

func checkPodTeardown(t *testing.T, e *env, verb []string) {
	e = e.on(t)
	newPod(e, "gone", "exec sleep 600", "exec sleep 600", "exec sleep 600")
	e.must("pod", "start", "gone")
	podID := e.must("pod", "inspect", "--format", "{{.ID}}", "gone")
	e.must(append(verb, "gone")...)
	if verb[1] == "kill" {
		eventually(t, 10*time.Second, "members to exit", func() bool {
			return e.must("ps", "-q", "--filter", "name=gone") == ""
		})
		e.must("pod", "stop", "gone")
	}
	podID = strings.TrimSpace(podID)
	if m := e.sh("grep -c -e " + podID + " /proc/self/mountinfo || true"); strings.TrimSpace(m) != "0" {
		t.Errorf("mounts of the pod remain")
	}
	if out := e.sh("ls " + e.dir + "/run/podunit/pods 2>/dev/null || true"); strings.Contains(out, podID) {
		t.Errorf("pinned namespaces remain in the run root: %s", out)
	}
	if list := e.sh("crun --root " + e.dir + "/run/podunit/runtime/crun list -q"); strings.TrimSpace(list) != "" {
		t.Errorf("runtime state remains: %s", list)
	}
	eventually(t, 10*time.Second, "no unit of the pod", func() bool {
		out := e.sh("systemctl list-units --all --no-legend 'gone-pod.service' 'podunit-gone-*' | grep -v -e inactive -e not-found || true")
		return strings.TrimSpace(out) == ""
	})
	e.run("pod", "rm", "-f", "-t", "0", "gone")
}

func checkPodSystemctlStop(t *testing.T, e *env) {
	e = e.on(t)
	newPod(e, "sys", "exec sleep 600", "exec sleep 600")
	e.must("pod", "start", "sys")
	e.sb.Run(t, "systemctl", "stop", "sys-pod.service")
	if got := e.must("pod", "ps", "--format", "{{.Status}}"); got != "Exited\n" {
		t.Errorf("pod ps after systemctl stop: %q", got)
	}
	for _, m := range []string{"sys-m0", "sys-m1"} {
		out, _, _, _ := e.sb.Exec("systemctl", "is-active", "podunit-"+m+".service")
		if st := e.field(m, "{{.State.Status}}"); st != "exited" || strings.TrimSpace(out) == "active" {
			t.Errorf("%s after systemctl stop of the pod: %s, unit %s", m, st, out)
		}
	}
	e.must("pod", "start", "sys")
	if got := e.must("pod", "ps", "--format", "{{.Status}}"); got != "Running\n" {
		t.Errorf("pod ps after pod start: %q", got)
	}
	e.must("pod", "rm", "-f", "-t", "0", "sys")
}

// The unit `pod start` makes runs no process: the command pins the pod's
// namespaces. A systemctl restart of it unpins them (its ExecStop=) and
// pins nothing; the members' unit-start brings the pod up again, once.
func checkPodSystemctlRestart(t *testing.T, e *env) {
	e = e.on(t)
	e.sb.DumpOnFailure(t, "rst-pod.service", "podunit-rst-m0.service", "podunit-rst-m1.service")
	newPod(e, "rst", "hostname; exec sleep 600", "hostname; exec sleep 600")
	e.must("pod", "start", "rst")
	if got := strings.TrimSpace(e.sb.Run(t, "systemctl", "show", "-P", "ExecStart", "rst-pod.service")); got != "" {
		t.Errorf("the pod's unit runs %q at start, want nothing", got)
	}
	netns := func() []string {
		var out []string
		for _, m := range []string{"rst-m0", "rst-m1"} {
			pid := e.field(m, "{{.State.Pid}}")
			out = append(out, strings.TrimSpace(e.sh("readlink /proc/"+pid+"/ns/net")), pid)
		}
		return out
	}
	before := netns()
	e.sb.Run(t, "systemctl", "restart", "rst-pod.service")
	for _, m := range []string{"rst-m0", "rst-m1"} {
		// systemctl waits for the pod unit's job, not for the members' starts
		eventually(t, 10*time.Second, m+" to run again", func() bool {
			return e.field(m, "{{.State.Status}}") == "running"
		})
		eventually(t, 10*time.Second, m+" to print its host name again", func() bool {
			return strings.Count(e.run("logs", m).out, "rst-host") == 2
		})
	}
	// (a new namespace may get the old one's inode number: the kernel reuses them)
	after, host := netns(), strings.TrimSpace(e.sh("readlink /proc/self/ns/net"))
	if after[0] != after[2] || after[0] == host || after[1] == before[1] || after[3] == before[3] {
		t.Errorf("members' network namespaces and PIDs before %v, after the restart %v (host %s): want one shared namespace, new PIDs",
			before, after, host)
	}
	if got := e.must("pod", "ps", "--format", "{{.Status}}"); got != "Running\n" {
		t.Errorf("pod ps after the restart: %q", got)
	}
	e.must("pod", "stop", "-t", "0", "rst")
	if out := e.sh("ls " + e.runDir() + "/podunit/pods/ 2>&1; true"); strings.TrimSpace(out) != "" {
		t.Errorf("after pod stop the pods' run directory holds:\n%s", out)
	}
	id := e.must("pod", "inspect", "--format", "{{.ID}}", "rst")
	e.must("pod", "rm", "-f", "-t", "0", "rst")
	for _, f := range lockFiles(t, e) {
		if strings.Contains(f, strings.TrimSpace(id)) {
			t.Errorf("lock file %s remains after pod rm", f)
		}
	}
}

func checkPodConcurrency(t *testing.T, e *env) {
	e = e.on(t)
	newPod(e, "race", "exec sleep 600", "exec sleep 600", "exec sleep 600")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for round := 0; round < 10; round++ {
			var wg sync.WaitGroup
			for _, args := range [][]string{{"pod", "start", "race"}, {"pod", "stop", "-t", "0", "race"},
				{"stop", "-t", "0", "race-m0"}, {"start", "race-m1"}} {
				wg.Add(1)
				go func() { defer wg.Done(); e.run(args...) }()
			}
			wg.Wait()
		}
		e.run("rm", "-f", "-t", "0", "race-m2")
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("pod and member commands did not finish within 60 s: deadlock?")
	}
	e.must("pod", "stop", "-t", "0", "race")
	checkAgreement(t, e)
	e.must("pod", "rm", "-f", "-t", "0", "race")
}

func checkPodBadInput(t *testing.T, e *env) {
	e = e.on(t)
	newPod(e, "busy", "exec sleep 600")
	e.must("pod", "start", "busy")
	cases := []struct {
		args  []string
		names string
	}{
		{[]string{"pod", "start", "no-such-pod"}, "no-such-pod"},
		{[]string{"pod", "create", "--name", "busy"}, "busy"},
		{[]string{"create", "--pod", "no-such-pod", "bb", "true"}, "no-such-pod"},
		{[]string{"pod", "rm", "busy"}, "busy"},
		{[]string{"pod", "create", "--share", "net,bogus"}, "bogus"},
		{[]string{"pod", "create", "--unit", "--name", "nounit"}, "--unit is for a unit's ExecStart="},
	}
	before := e.must("pod", "ps", "--no-trunc", "--format", "{{.ID}} {{.Name}} {{.Status}}") + e.must("ps", "-a", "--no-trunc", "-q")
	for _, c := range cases {
		r := e.run(c.args...)
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, c.names) {
			t.Errorf("podunit %s: exit %d, stderr %q", strings.Join(c.args, " "), r.code, r.err)
		}
	}
	after := e.must("pod", "ps", "--no-trunc", "--format", "{{.ID}} {{.Name}} {{.Status}}") + e.must("ps", "-a", "--no-trunc", "-q")
	if before != after {
		t.Errorf("bad input changed state:\n%s\n---\n%s", before, after)
	}
	e.must("pod", "rm", "-f", "-t", "0", "busy")
}

// checkReplaceByName: `create --replace --name X` and `pod create --replace
// --name X` replace only a container or pod named X. X that begins another's
// ID (a unit's member named "db", "b") once removed that one.
func checkReplaceByName(t *testing.T, e *env) {
	e = e.on(t)
	e.must("create", "--name", "keep", "bb", "true")
	e.must("pod", "create", "--name", "keeppod")
	t.Cleanup(func() { e.run("rm", "-f", "keep"); e.run("pod", "rm", "-f", "keeppod") })
	ctr, pod := e.field("keep", "{{.ID}}"), strings.TrimSpace(e.must("pod", "inspect", "--format", "{{.ID}}", "keeppod"))
	e.must("create", "--replace", "--name", ctr[:4], "bb", "true")
	e.must("create", "--replace", "--name", ctr[:4], "bb", "true") // now replaces its namesake
	e.must("pod", "create", "--replace", "--name", pod[:4])
	e.must("pod", "create", "--replace", "--name", pod[:4])
	if got := e.must("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}}"); !strings.Contains(got, ctr+" keep\n") ||
		strings.Count(got, " "+ctr[:4]+"\n") != 1 {
		t.Errorf("after create --replace --name %s:\n%s", ctr[:4], got)
	}
	if got := e.must("pod", "ps", "--no-trunc", "--format", "{{.ID}} {{.Name}}"); !strings.Contains(got, pod+" keeppod\n") ||
		strings.Count(got, " "+pod[:4]+"\n") != 1 {
		t.Errorf("after pod create --replace --name %s:\n%s", pod[:4], got)
	}
	e.must("rm", "-f", ctr[:4]) // by its name: an exact name wins over the prefix
	e.must("pod", "rm", "-f", pod[:4])
}

func checkPodLimits(t *testing.T, e *env) {
	e = e.on(t)
	e.must("create", "--pod", "new:lim", "--name", "lim-m0", "--stop-signal", "KILL", "bb", "sleep", "600")
	t.Cleanup(func() { e.run("pod", "rm", "-f", "-t", "0", "lim") })
	if got := e.must("pod", "ps", "--format", "{{.Name}} {{.NumberOfContainers}}"); !strings.Contains(got, "lim 1") {
		t.Fatalf("--pod new:lim did not make the pod: %q", got)
	}
	e.must("pod", "rm", "-f", "lim")
	e.must("pod", "create", "--name", "lim", "--memory", "64m", "--cpus", "0.5")
	e.must("create", "--pod", "lim", "--name", "lim-m0", "--stop-signal", "KILL", "bb", "sleep", "600")
	e.must("pod", "start", "lim")
	got := e.sb.Run(t, "systemctl", "show", "-p", "MemoryMax", "-p", "CPUQuotaPerSecUSec", "podunit-lim.slice")
	if !strings.Contains(got, "MemoryMax=67108864") || !strings.Contains(got, "CPUQuotaPerSecUSec=500ms") {
		t.Fatalf("the pod's slice:\n%s", got)
	}
	cg := e.sh("cat /proc/" + e.field("lim-m0", "{{.State.Pid}}") + "/cgroup")
	if !strings.Contains(cg, "/podunit.slice/podunit-lim.slice/") {
		t.Fatalf("the member is not in the pod's slice:\n%s", cg)
	}
	// pod rm takes the slice with it, and a pod re-made under the same name
	// gets its own limits, none where it has none.
	for _, c := range []struct {
		flags []string
		want  [2]string
	}{
		{[]string{"--memory", "32m"}, [2]string{"MemoryMax=33554432", "CPUQuotaPerSecUSec=infinity"}},
		{nil, [2]string{"MemoryMax=infinity", "CPUQuotaPerSecUSec=infinity"}},
	} {
		e.must("pod", "rm", "-f", "-t", "0", "lim")
		if state := e.sb.Run(t, "systemctl", "show", "-p", "ActiveState", "podunit-lim.slice"); !strings.Contains(state, "=inactive") {
			t.Fatalf("pod rm left the pod's slice: %s", state)
		}
		e.must(append([]string{"pod", "create", "--name", "lim"}, c.flags...)...)
		e.must("create", "--pod", "lim", "--name", "lim-m0", "--stop-signal", "KILL", "bb", "sleep", "600")
		e.must("pod", "start", "lim")
		got := e.sb.Run(t, "systemctl", "show", "-p", "MemoryMax", "-p", "CPUQuotaPerSecUSec", "podunit-lim.slice")
		if !strings.Contains(got, c.want[0]) || !strings.Contains(got, c.want[1]) {
			t.Fatalf("pod re-made with %q: the pod's slice has\n%s\nwant\n%s", c.flags, got, c.want)
		}
	}
}

func checkPodSharePID(t *testing.T, e *env) {
	e = e.on(t)
	e.must("pod", "create", "--name", "pids", "--share", "net,ipc,uts,pid")
	t.Cleanup(func() { e.run("pod", "rm", "-f", "-t", "0", "pids") })
	e.must("create", "--pod", "pids", "--name", "pids-a", "--stop-signal", "KILL", "bb", "sleep", "601")
	e.must("create", "--pod", "pids", "--name", "pids-b", "--stop-signal", "KILL", "bb", "sleep", "602")
	e.must("pod", "start", "pids")
	ps := e.must("exec", "pids-b", "ps", "-o", "pid,comm,args")
	if !strings.Contains(ps, "sleep 601") || !regexp.MustCompile(`(?m)^\s*1\s+catatonit`).MatchString(ps) {
		t.Fatalf("a member does not see the pod's shared PID namespace:\n%s", ps)
	}
	holders := e.sh(`for p in /proc/[0-9]*; do grep -q "podunit-pids.slice" $p/cgroup 2>/dev/null || continue; c=$(cat $p/comm); [ "$c" = sleep ] || echo $c; done`)
	if strings.TrimSpace(holders) != "catatonit" {
		t.Fatalf("processes in the pod's slice besides the members: %q, want one catatonit", holders)
	}
	e.must("pod", "stop", "-t", "0", "pids")
	if left := e.sh("pgrep -x catatonit || true"); strings.TrimSpace(left) != "" {
		t.Fatalf("the PID namespace holder outlived pod stop: %s", left)
	}
}
