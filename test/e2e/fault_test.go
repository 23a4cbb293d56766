package e2e

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/network"
	"github.com/podunit/podunit/test/harness"
)

// faultOp is one command the fault-injection test kills: setup makes what it
// needs (name is the trial's own), args is the command killed, and finish is
// what a user runs next to end the object: it must succeed on the first try,
// or say the object does not exist (exit 1) where the kill came before it.
type faultOp struct {
	name   string
	setup  func(e *env, name string)
	args   func(name string) []string
	finish func(name string) [][]string
}

// unnamedLeftovers are the ops whose kill can leave what no finishing
// command can name: the lock file of the ID a killed create drew, which
// system check's repair removes. For every other op, the finishing
// commands leave system check nothing to find.
var unnamedLeftovers = map[string]bool{"run -d": true, "run -d -p": true, "create": true, "pod create": true}

func faultOps(tar, archive string) []faultOp {
	rmCtr := func(n string) [][]string { return [][]string{{"rm", "-f", "-t", "0", n}} }
	rmPod := func(n string) [][]string { return [][]string{{"pod", "rm", "-f", "-t", "0", n}} }
	sleeper := func(e *env, n string) { e.must("create", "--name", n, "bb", "sleep", "600") }
	running := func(e *env, n string) { e.must("run", "-d", "--name", n, "bb", "sleep", "600") }
	pod := func(e *env, n string) {
		e.must("pod", "create", "--name", n)
		e.must("create", "--pod", n, "--name", n+"-m", "bb", "sleep", "600")
	}
	return []faultOp{
		{"run -d", nil, func(n string) []string { return []string{"run", "-d", "--name", n, "bb", "sleep", "600"} }, rmCtr},
		{"run -d -p", nil, func(n string) []string {
			return []string{"run", "-d", "--name", n, "--network", "bridge", "-p", "127.0.0.1:18099:80", "bb", "sleep", "600"}
		}, rmCtr},
		{"create", nil, func(n string) []string { return []string{"create", "--name", n, "bb", "sleep", "600"} }, rmCtr},
		{"start", sleeper, func(n string) []string { return []string{"start", n} }, rmCtr},
		{"restart", running, func(n string) []string { return []string{"restart", "-t", "1", n} }, rmCtr},
		{"exec", running, func(n string) []string { return []string{"exec", n, "sleep", "5"} }, rmCtr},
		{"stop", running, func(n string) []string { return []string{"stop", "-t", "1", n} }, rmCtr},
		{"rm -f", running, func(n string) []string { return []string{"rm", "-f", "-t", "1", n} }, rmCtr},
		{"pod create", nil, func(n string) []string { return []string{"pod", "create", "--name", n} }, rmPod},
		{"pod start", pod, func(n string) []string { return []string{"pod", "start", n} }, rmPod},
		{"pod rm -f", func(e *env, n string) { pod(e, n); e.must("pod", "start", n) },
			func(n string) []string { return []string{"pod", "rm", "-f", "-t", "1", n} }, rmPod},
		{"image import", nil, func(n string) []string { return []string{"image", "import", tar, n} },
			func(n string) [][]string { return [][]string{{"rmi", n}} }},
		{"rmi", func(e *env, n string) { e.must("image", "import", tar, n) },
			func(n string) []string { return []string{"rmi", n} },
			func(n string) [][]string { return [][]string{{"rmi", n}} }},
		{"load", nil, func(string) []string { return []string{"load", "-q", "-i", archive} },
			func(string) [][]string { return [][]string{{"rmi", "localhost/faultload:1"}} }},
		{"volume create", nil, func(n string) []string { return []string{"volume", "create", n} },
			func(n string) [][]string { return [][]string{{"volume", "rm", "-f", n}} }},
		{"volume rm", func(e *env, n string) {
			e.must("volume", "create", n)
			e.must("run", "--rm", "-v", n+":/v", "bb", "sh", "-c", "echo data > /v/f")
		}, func(n string) []string { return []string{"volume", "rm", n} },
			func(n string) [][]string { return [][]string{{"volume", "rm", "-f", n}} }},
		{"network create", nil, func(n string) []string { return []string{"network", "create", n} },
			func(n string) [][]string { return [][]string{{"network", "rm", "-f", n}} }},
		{"network rm", func(e *env, n string) { // a used bridge: its keeper, rules and a DNAT chain
			e.must("network", "create", n)
			e.must("run", "--rm", "--network", n, "-p", "127.0.0.1:18098:80", "bb", "true")
		}, func(n string) []string { return []string{"network", "rm", "-f", n} },
			func(n string) [][]string { return [][]string{{"network", "rm", "-f", n}} }},
		{"network connect", func(e *env, n string) { // a second bridge for a running container
			e.must("network", "create", n)
			e.must("run", "-d", "--name", n, "--network", "bridge", "bb", "sleep", "600")
		}, func(n string) []string { return []string{"network", "connect", n, n} },
			func(n string) [][]string { return [][]string{{"rm", "-f", "-t", "0", n}, {"network", "rm", "-f", n}} }},
	}
}

// onlyOps keeps the ops named in the comma-separated list (all when empty),
// to replay or hammer a few.
func onlyOps(t *testing.T, ops []faultOp, list string) []faultOp {
	if list == "" {
		return ops
	}
	var keep []faultOp
	for _, name := range strings.Split(list, ",") {
		i := slices.IndexFunc(ops, func(o faultOp) bool { return o.name == name })
		if i < 0 {
			t.Fatalf("PODUNIT_FAULT_OPS: no op %q", name)
		}
		keep = append(keep, ops[i])
	}
	return keep
}

// envInt reads a whole number from the environment, def where unset.
func envInt(t *testing.T, key string, def int64) int64 {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		t.Fatalf("%s=%q: %v", key, v, err)
	}
	return n
}

// TestFaultInjection SIGKILLs podunit at random points of the commands that
// change state, under the harness's systemd, and after each kill runs what a
// user would run next, after which system check must find nothing (but for
// unnamedLeftovers, which its repair must mend); then a census of
// everything podunit makes must find nothing left. It runs PODUNIT_FAULT_TRIALS trials (default 200), but
// starts none after PODUNIT_FAULT_SECONDS (default 120) once
// faultMinTrials have run, so that a slower machine keeps the suite's time
// (the whole test took 275 s at 200 trials on a machine where a Go
// program's page faults cost five times more); the count run is logged. PODUNIT_FAULT_SEED (default: the time; the seed is logged)
// and PODUNIT_FAULT_OPS (op names, comma-separated) replay or narrow it.
func TestFaultInjection(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{Net: true}) // bridges and rules stay in the sandbox
	e := newEnv(t, sb, "crun")
	e.image()
	archive := filepath.Join(e.dir, "load.tar")
	e.must("tag", "bb", "localhost/faultload:1")
	e.must("save", "-o", archive, "localhost/faultload:1")
	e.must("rmi", "localhost/faultload:1")
	tar := filepath.Join(e.dir, "import.tar")
	uniqueRootfs(t, tar)

	trials := envInt(t, "PODUNIT_FAULT_TRIALS", 200)
	budget := time.Duration(envInt(t, "PODUNIT_FAULT_SECONDS", 120)) * time.Second
	seed := envInt(t, "PODUNIT_FAULT_SEED", time.Now().UnixNano())
	t.Logf("PODUNIT_FAULT_SEED=%d PODUNIT_FAULT_TRIALS=%d PODUNIT_FAULT_SECONDS=%d", seed, trials, budget/time.Second)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	ops := onlyOps(t, faultOps(tar, archive), os.Getenv("PODUNIT_FAULT_OPS"))
	took := make([]time.Duration, len(ops))
	for i, op := range ops { // how long each takes, unkilled
		took[i] = killAt(t, e, op, fmt.Sprintf("w%d", i), unkilled)
		finishFault(t, e, op, fmt.Sprintf("w%d", i))
	}
	census(t, e, "after the unkilled runs")
	// the default bridge, made by the first run -p, stays; nothing else may
	base := netLeftovers(e)
	deadline := time.Now().Add(budget)
	for i := range int(trials) {
		if i >= faultMinTrials && time.Now().After(deadline) {
			t.Logf("%d trials of %d run: the %s are spent", i, trials, budget)
			break
		}
		k := rng.IntN(len(ops))
		delay := time.Duration(rng.Int64N(int64(took[k])*6/5 + 1))
		// not a hex string: the finishing rm or rmi of a name that the
		// killed command never made would take it for an ID prefix, and
		// remove bb (or another container) whose ID starts so
		name := fmt.Sprintf("t%d", i)
		killAt(t, e, ops[k], name, delay)
		finishFault(t, e, ops[k], name)
		if r := e.run("system", "check"); r.code != 0 {
			// what the next command could not finish, the repair must
			report := t.Logf
			if !unnamedLeftovers[ops[k].name] {
				report = t.Errorf // the finishing commands had to
			}
			report("trial %d: %s killed after %v: system check: exit %d:\n%s%s\nsystem check --repair:\n%s", i, ops[k].name, delay,
				r.code, r.out, r.err, e.must("system", "check", "--repair"))
		}
		when := fmt.Sprintf("trial %d: %s killed after %v", i, ops[k].name, delay)
		if census(t, e, when) {
			t.FailNow()
		}
		if now := netLeftovers(e); now != base {
			t.Fatalf("%s: firewall rules, links or leases differ from before (- gone, + new):\n%s", when, lineDiff(base, now))
		}
	}
}

// faultMinTrials is how many trials TestFaultInjection runs whatever its
// time budget.
const faultMinTrials = 60

// unkilled, as killAt's delay, lets the command finish (and it must succeed).
const unkilled = time.Minute

// killAt sets op up under name, starts it, SIGKILLs it after delay (if it
// still runs) and returns how long it ran.
func killAt(t *testing.T, e *env, op faultOp, name string, delay time.Duration) time.Duration {
	t.Helper()
	if op.setup != nil {
		op.setup(e, name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := e.command(ctx, op.args(name)...)
	// Under the sandbox the command is nsenter, whose child is podunit: the
	// kill goes to the process group, podunit included.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if delay == unkilled && err != nil {
			t.Fatalf("podunit %s, unkilled: %v: %s", strings.Join(op.args(name), " "), err, stderr.String())
		}
	case <-time.After(delay):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	return time.Since(start)
}

// finishFault runs op's finishing commands: each must succeed, or find
// nothing to finish (exit 1, "no such").
func finishFault(t *testing.T, e *env, op faultOp, name string) {
	t.Helper()
	for _, args := range op.finish(name) {
		r := e.run(args...)
		if r.code != 0 && !(r.code == 1 || strings.Contains(r.err, "no such") || strings.Contains(r.err, "not found")) {
			t.Errorf("after %s was killed, podunit %s: exit %d: %s", op.name, strings.Join(args, " "), r.code, r.err)
		}
	}
}

// census reports (and returns true for) anything of podunit's that remains:
// records, storage containers, mounts, runtime state, active or failed units
// and slices, pinned namespaces, volumes, networks besides the default,
// images besides bb, scratch space.
func census(t *testing.T, e *env, when string) bool {
	t.Helper()
	var left []string
	for what, args := range map[string][]string{
		"containers": {"ps", "-aq"}, "pods": {"pod", "ps", "-q"}, "volumes": {"volume", "ls", "-q"},
	} {
		if out := strings.TrimSpace(e.must(args...)); out != "" {
			left = append(left, what+": "+out)
		}
	}
	if out := strings.TrimSpace(e.must("network", "ls", "--format", "{{.Name}}")); out != "podunit" && out != "" {
		left = append(left, "networks: "+out)
	}
	if out := strings.TrimSpace(e.must("images", "--format", "{{.Repository}}:{{.Tag}}")); out != "localhost/bb:latest" {
		left = append(left, "images: "+out)
	}
	if ids := storageContainers(t, e); len(ids) > 0 {
		left = append(left, fmt.Sprintf("storage containers: %v", ids))
	}
	left = append(left, machineLeftovers(e)...)
	left = append(left, cgroupLeftovers(e)...)
	if r := e.run("system", "check"); r.code != 0 {
		left = append(left, "system check: "+strings.TrimSpace(r.out+r.err))
	}
	if len(left) > 0 {
		t.Errorf("%s, left:\n%s", when, strings.Join(left, "\n"))
		return true
	}
	return false
}

// sharedChain matches netavark's chains that all networks share: they come
// and go with the history of networks (network rm removes them when
// idle), not with any one container.
var sharedChain = regexp.MustCompile(`(` + strings.Join(network.SharedChainNames(), "|") + `)\b`)

var ipv4 = regexp.MustCompile(`\d+\.\d+\.\d+\.\d+`)

// netLeftovers is netSnapshot, in sorted lines, without the shared chains' declarations,
// jumps and idle rules: what a container or network leaves.
func netLeftovers(e *env) string {
	var keep []string
	for _, l := range strings.Split(netSnapshot(e), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		own := strings.Count(l, "NETAVARK") > len(sharedChain.FindAllString(l, -1))
		if sharedChain.MatchString(l) && !own && !strings.Contains(l, "--dport") && !ipv4.MatchString(l) {
			continue
		}
		keep = append(keep, l)
	}
	slices.Sort(keep) // a bridge made again comes later in ip link's order
	return strings.Join(keep, "\n")
}

// machineLeftovers lists mounts, runtime state, pins, scratch space, address
// leases, lock files, units and slices of e that remain.
func machineLeftovers(e *env) []string {
	script := fmt.Sprintf(`
grep -E '(%[1]s|%[3]s).*(/merged|/podunit/pods/|/podunit/netns/|/podunit/netavark/)' /proc/self/mountinfo | sed 's/^/mount: /'
ls %[3]s/podunit/runtime/%[2]s 2>/dev/null | sed 's/^/runtime state: /'
ls %[3]s/podunit/pods %[3]s/podunit/netns 2>/dev/null | grep -v ':$' | grep . | sed 's/^/pin: /'
ls %[1]s/root/podunit-tmp 2>/dev/null | sed 's/^/scratch: /'
find %[3]s/podunit/netavark/leases -type f 2>/dev/null | sed 's/^/lease: /'
ls %[3]s/podunit/locks 2>/dev/null | grep -Ev '^(networks|volumes|pods|state)' | sed 's/^/lock file: /'
systemctl list-units --all --plain --no-legend 'podunit-*' '*-pod.service' | grep -Ev ' (inactive|dead) ' | grep -Ev '^(podunit.slice|podunit-restart.service) ' | sed 's/^/unit: /'
true`, e.dir, e.runtime, e.runDir())
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(e.sh(script)), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
