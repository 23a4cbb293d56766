package e2e

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// clearFailure is what a command that lost a race may say: each names the
// object and the reason. Anything else from a failed command is unclear.
var clearFailure = regexp.MustCompile(`already in use|already exists|not found|no such|removed by another command|` +
	`conflict|is running|is not running|has running containers|in use by|being removed|is paused`)

// churnOps are the commands the churn workers draw from; N is a name from a
// small pool, so that every worker races the others on the same objects, and
// names are reused as soon as they are free.
var churnOps = [][]string{
	{"run", "-d", "--stop-signal", "KILL", "--name", "N", "bb", "sleep", "600"},
	{"create", "--name", "N", "bb", "sleep", "600"},
	{"start", "N"}, {"stop", "-t", "0", "N"}, {"restart", "-t", "0", "N"},
	{"rm", "-f", "-t", "0", "N"}, {"rm", "N"}, {"kill", "N"},
	{"run", "--rm", "--name", "N", "bb", "true"},
	{"pod", "create", "--name", "P"}, {"create", "--pod", "P", "--name", "P-N", "bb", "sleep", "600"},
	{"pod", "start", "P"}, {"pod", "stop", "-t", "0", "P"}, {"pod", "rm", "-f", "-t", "0", "P"},
	{"ps", "-a"}, {"pod", "ps"}, {"inspect", "N"},
}

// TestChurn runs 8 workers that race each other on a few names for a bounded
// time (30 s, PODUNIT_CHURN_SECONDS for longer) under the harness's systemd,
// which a daemon-reload every 2 s makes read its transient units back.
// Every failure must be a clear one, and once everything is removed nothing
// of podunit's may be left. Defects it found keep their own regression
// tests: the start/stop race (oci.ErrNotWaiting), and attached runs whose
// cgroup systemd trimmed (TestAttachedRunsOutliveSystemdTrims).
func TestChurn(t *testing.T) {
	t.Parallel()
	churnUnder(t, "daemon-reload", clearFailure)
}

// TestChurnReexec is TestChurn with a daemon-reexec every 2 s: systemd
// drops every connection and comes back. A command's call it left
// unanswered may fail, as unavailable; no command may fail otherwise
// (before, a job waited for there never ended: Go's deadlock), and what
// such commands leave the final rm -f finishes.
func TestChurnReexec(t *testing.T) {
	t.Parallel()
	churnUnder(t, "daemon-reexec", regexp.MustCompile(clearFailure.String()+`|unavailable`))
}

// churnUnder is the churn with systemctl verb every 2 s; clear is what a
// failed command may say.
func churnUnder(t *testing.T, verb string, clear *regexp.Regexp) {
	sb := harness.Boot(t, harness.Options{})
	e := raceEnv(t, sb)
	e.image()
	stop := systemctlEvery(t, e, 2*time.Second, verb)
	churn(t, e, churnArgs, 30, clear)
	stop()
	checkAgreement(t, e)
	for _, p := range []string{"p0", "p1"} {
		if r := e.run("pod", "rm", "-f", "-t", "0", p); r.code != 0 && !clearFailure.MatchString(r.err) {
			t.Errorf("pod rm -f %s after the churn: exit %d: %s", p, r.code, r.err)
		}
	}
	for _, id := range strings.Fields(e.must("ps", "-aq")) {
		e.must("rm", "-f", "-t", "0", id)
	}
	census(t, e, "after the churn and rm -f of everything")
}

// systemctlEvery runs `systemctl verb` (daemon-reload, daemon-reexec)
// every period until the returned stop is called: systemd then reads every
// unit back, at random moments of the commands' work on them.
func systemctlEvery(t *testing.T, e *env, period time.Duration, verb string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 0; ; n++ {
			select {
			case <-done:
				t.Logf("%d %ss", n, verb)
				return
			case <-time.After(period):
			}
			if _, stderr, code, err := e.sb.Exec("systemctl", verb); err != nil || code != 0 {
				t.Errorf("systemctl %s: exit %d, %v: %s", verb, code, err, stderr)
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// TestNetworkChurn races 8 workers on containers that publish ports on the
// default bridge and on a user network, and on that network's creation and
// removal, in a sandbox with its own network namespace; once all is
// removed, no iptables rule or chain, link, lease or aardvark-dns of
// theirs may be left. It runs for 20 s (PODUNIT_CHURN_SECONDS for longer);
// the four network defects it found have regression tests in TestNetworkDNS.
func TestNetworkChurn(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{Net: true})
	e := raceEnv(t, sb)
	e.image()
	before := netSnapshot(e)
	churn(t, e, netChurnArgs, 20, clearFailure)
	for _, id := range strings.Fields(e.must("ps", "-aq")) {
		e.must("rm", "-f", "-t", "0", id)
	}
	for _, n := range strings.Fields(e.must("network", "ls", "-q")) {
		e.must("network", "rm", "-f", n)
	}
	if after := netSnapshot(e); after != before {
		t.Errorf("the sandbox's network after the churn is not as before:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	census(t, e, "after the network churn and rm -f of everything")
}

// churn runs 8 workers, each drawing commands from draw, for
// PODUNIT_CHURN_SECONDS (default: seconds) and fails the test for every
// failure that clear does not match.
func churn(t *testing.T, e *env, draw func(*rand.Rand) []string, seconds int64, clear *regexp.Regexp) {
	seconds = envInt(t, "PODUNIT_CHURN_SECONDS", seconds)
	seed := envInt(t, "PODUNIT_CHURN_SEED", time.Now().UnixNano())
	t.Logf("PODUNIT_CHURN_SEED=%d PODUNIT_CHURN_SECONDS=%d", seed, seconds)
	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	var mu sync.Mutex
	var unclear, history []string
	runs := 0
	began := time.Now()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(seed), uint64(w)))
			for time.Now().Before(deadline) {
				args := draw(rng)
				at := time.Since(began)
				r := e.run(args...)
				mu.Lock()
				runs++
				history = append(history, fmt.Sprintf("%6.2fs-%6.2fs w%d %s: %d %s", at.Seconds(), time.Since(began).Seconds(),
					w, strings.Join(args, " "), r.code, firstLine(r.err)))
				killed := args[0] == "run" && args[1] != "-d" && r.code == 137 // its container killed by another command
				if r.code != 0 && !killed && !clear.MatchString(r.err) {
					unclear = append(unclear, fmt.Sprintf("podunit %s: exit %d: %s", strings.Join(args, " "), r.code, strings.TrimSpace(r.err)))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	unclear = append(unclear, raceReports(e)...)
	t.Logf("%d commands by 8 workers, %d unclear failures", runs, len(unclear))
	for _, u := range unclear {
		t.Error(u)
	}
	if len(unclear) > 0 {
		t.Logf("the commands in the order they started:\n%s", strings.Join(history, "\n"))
		logUnitJournals(t, e, unclear)
	}
}

// failedUnit finds the units that errors name ("start unit podunit-c3.service: job failed").
var failedUnit = regexp.MustCompile(`unit ([\w@.-]+\.service)`)

// logUnitJournals logs the journal of every unit an unclear failure names:
// why its job failed is there, not in the command's error.
func logUnitJournals(t *testing.T, e *env, unclear []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, u := range unclear {
		for _, m := range failedUnit.FindAllStringSubmatch(u, -1) {
			if seen[m[1]] {
				continue
			}
			seen[m[1]] = true
			e.sb.DumpUnit(t, m[1])
		}
	}
}

// netChurnOps are the network churn's commands: N a container, P a port
// (from N), W the user network.
var netChurnOps = [][]string{
	{"run", "-d", "--stop-signal", "KILL", "--name", "N", "--network", "bridge", "-p", "127.0.0.1:P:80", "bb", "httpd", "-f", "-p", "80"},
	{"run", "-d", "--stop-signal", "KILL", "--name", "N", "--network", "W", "bb", "sleep", "600"},
	{"run", "--rm", "--network", "W", "bb", "true"},
	{"run", "--rm", "--network", "bridge", "-p", "127.0.0.1:P:80", "bb", "true"},
	{"stop", "-t", "0", "N"}, {"start", "N"}, {"restart", "-t", "0", "N"}, {"rm", "-f", "-t", "0", "N"},
	{"network", "connect", "W", "N"}, {"network", "disconnect", "W", "N"},
	{"network", "create", "W"}, {"network", "rm", "W"},
}

// churnArgs draws one command of churnOps with its names filled in.
func churnArgs(rng *rand.Rand) []string { return drawArgs(rng, churnOps) }

// netChurnArgs draws one command of netChurnOps.
func netChurnArgs(rng *rand.Rand) []string { return drawArgs(rng, netChurnOps) }

func drawArgs(rng *rand.Rand, ops [][]string) []string {
	op := ops[rng.IntN(len(ops))]
	i := rng.IntN(4)
	n, p := fmt.Sprintf("c%d", i), fmt.Sprintf("p%d", rng.IntN(2))
	args := make([]string, len(op))
	for j, a := range op {
		a = strings.ReplaceAll(a, "P-N", p+"-"+n)
		switch a {
		case "N":
			a = n
		case "P":
			a = p
		case "127.0.0.1:P:80":
			a = fmt.Sprintf("127.0.0.1:%d:80", 18080+i)
		case "W":
			a = "churnnet"
		}
		args[j] = a
	}
	return args
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// TestAttachedRunRemovedMeanwhile: rm -f of a container running in the
// foreground of another podunit ends that run as a kill would, with 137 and
// no complaint from the runtime. (Where rm -f comes before the run recorded
// its container running, the run says the container was removed by another
// command; the churn test meets that case.) With --rm, the run's own removal
// as it ends is what rm -f asked for: rm -f succeeds, not "removed by
// another command".
func TestAttachedRunRemovedMeanwhile(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	for _, rm := range []bool{false, true} {
		args := []string{"run", "--name", "fg", "bb", "sleep", "600"}
		if rm {
			args = append([]string{"run", "--rm"}, args[1:]...)
		}
		code, stderr := removeWhileAttached(t, e, args)
		if code != 137 || !rm && stderr != "" {
			t.Errorf("%v removed meanwhile: exit %d, stderr %q; want exit 137 (and nothing said without --rm)", args, code, stderr)
		}
		if out := e.must("ps", "-aq"); out != "" {
			t.Errorf("%v removed meanwhile: containers left: %q", args, out)
		}
	}
}

// removeWhileAttached starts podunit with args (an attached run of "fg"),
// runs rm -f fg once it runs, which must succeed, and returns the run's
// exit code and stderr.
func removeWhileAttached(t *testing.T, e *env, args []string) (int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stderr strings.Builder
	cmd := e.command(ctx, args...)
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "fg running", func() bool {
		return e.run("inspect", "--format", "{{.State.Status}}", "fg").out == "running\n"
	})
	e.must("rm", "-f", "-t", "0", "fg")
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return 0, stderr.String()
	}
	return ee.ExitCode(), stderr.String()
}
