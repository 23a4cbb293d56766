package e2e

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// reloadProps are the properties of podunit's units that a daemon-reload
// reads back from the transient unit files systemd wrote for them.
var reloadProps = []string{"ExecStart", "ExecStop", "ExecStopPost", "Environment", "SyslogIdentifier",
	"Description", "PIDFile", "Type", "Restart", "StartLimitIntervalUSec", "BindsTo", "After", "Slice", "LoadCredential"}

// execArgv keeps an Exec*= property's commands and drops their run-time
// fields (pids, times, status), which a reload need not keep.
var execArgv = regexp.MustCompile(`path=\S+ ; argv\[\]=.*? ; ignore_errors=\S+`)

// TestDaemonReloadKeepsUnits: every unit podunit makes (a direct start, a
// start with a restart policy, a terminal's, a health check's timer and
// service, a container with a secret and a log tag with characters systemd
// escapes, a pod and its member) reads back from its transient file on
// `systemctl daemon-reload` as it was made, and runs again: systemd 252
// wrote a "$" or ";" of an ExecStart= argument in a form its parser
// rejects, and the direct start's `sh -c` line came back mangled.
func TestDaemonReloadKeepsUnits(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	e.image()
	if r := e.runIn(strings.NewReader("a$b;c\\d"), "secret", "create", "rdsec", "-"); r.code != 0 {
		t.Fatalf("secret create: %+v", r)
	}
	e.sh("mount --make-shared /run") // credentials need /run to propagate (see TestSecretsUnderSystemd)
	ctrs := [][]string{
		{"--name", "rd-direct", "--network", "none"},
		{"--name", "rd-always", "--restart", "always"},
		{"--name", "rd-tty", "-t"},
		{"--name", "rd-health", "--health-cmd", "echo x >> /tmp/hc", "--health-interval", "1s"},
		{"--name", "rd-secret", "--secret", "rdsec", "-e", "V=a$b;c"},
	}
	for _, c := range ctrs {
		e.must(append(append([]string{"run", "-d", "--stop-signal", "KILL"}, c...), "bb", "sleep", "1000")...)
	}
	e.must("pod", "create", "--name", "rdpod")
	e.must("create", "--pod", "rdpod", "--name", "rdpod-m", "--stop-signal", "KILL", "bb", "sleep", "1000")
	e.must("pod", "start", "rdpod")

	for _, verb := range []string{"daemon-reload", "daemon-reexec"} {
		t.Run(verb, func(t *testing.T) { checkReread(t, e, verb, ctrs) })
	}
}

// checkReread makes systemd read its units back (systemctl verb), compares
// what it kept of them with what it had, and runs each again.
func checkReread(t *testing.T, e *env, verb string, ctrs [][]string) {
	units := strings.Fields(e.sb.Run(t, "sh", "-c", "systemctl list-units --all --plain --no-legend "+
		"'podunit-*' 'rdpod-pod.service' | cut -d' ' -f1"))
	sort.Strings(units)
	e.sb.DumpOnFailure(t, units...)
	if len(units) < 8 { // 6 containers, the pod, the health timer (and its service, while it runs)
		t.Fatalf("units %v, want at least 8", units)
	}
	before := map[string]string{}
	for _, u := range units {
		before[u] = showForReload(t, e, u)
	}
	e.sb.Run(t, "systemctl", verb)
	for _, u := range units {
		gone := unitProp(t, e, u, "LoadState") == "not-found" // a check's service that ended meanwhile
		if after := showForReload(t, e, u); after != before[u] && !gone {
			t.Errorf("%s after %s:\n%s\nbefore:\n%s", u, verb, after, before[u])
		}
	}

	// each runs again: systemd's own restart of a container's unit (the
	// direct start's line falls back to the full unit-start), a command's
	// stop and start of the pod, the health check's next runs
	for _, c := range ctrs {
		name := c[1]
		unit := "podunit-" + name + ".service"
		pid := e.field(name, "{{.State.Pid}}")
		e.sb.Run(t, "systemctl", "restart", unit)
		if st, now := e.field(name, "{{.State.Status}}"), e.field(name, "{{.State.Pid}}"); st != "running" || now == pid {
			t.Errorf("%s after systemctl restart: %s, pid %s (before %s)", name, st, now, pid)
		}
	}
	e.must("pod", "stop", "-t", "0", "rdpod")
	e.must("pod", "start", "rdpod")
	if st := e.field("rdpod-m", "{{.State.Status}}"); st != "running" {
		t.Errorf("rdpod-m after pod stop and start: %s", st)
	}
	checks := func() int {
		n, _ := strconv.Atoi(strings.Fields(e.run("exec", "rd-health", "sh", "-c", "cat /tmp/hc 2>/dev/null | wc -l").out + " 0")[0])
		return n
	}
	first := checks()
	eventually(t, 20*time.Second, "two more health checks after the "+verb, func() bool { return checks() >= first+2 })
	if out := e.must("exec", "rd-secret", "cat", "/run/secrets/rdsec"); out != "a$b;c\\d" {
		t.Errorf("rd-secret's secret after the %s: %q", verb, out)
	}
}

// showForReload is what a reload must keep of unit u: reloadProps as
// systemctl shows them, Exec*= lines without their run-time fields.
func showForReload(t *testing.T, e *env, u string) string {
	t.Helper()
	var b strings.Builder
	for _, p := range reloadProps {
		v := unitProp(t, e, u, p)
		switch {
		case strings.HasPrefix(p, "Exec"):
			v = strings.Join(execArgv.FindAllString(v, -1), "\n  ")
		case p == "After" || p == "BindsTo": // a set, in no order
			f := strings.Fields(v)
			sort.Strings(f)
			v = strings.Join(f, " ")
		}
		b.WriteString(p + "=" + v + "\n")
	}
	return b.String()
}

// TestDaemonReexecDuringCommands: commands that talk to systemd while it
// re-executes every 0.7 s (daemon-reexec, as an upgrade of systemd runs it)
// end: their jobs are followed over a new connection, a connect waits for
// the socket to listen again, and a call the manager dropped unanswered
// fails as unavailable, naming it. Before, a command waiting on a job there
// crashed with Go's "all goroutines are asleep - deadlock!" (exit 2).
// Nothing is left that the next commands do not finish: after the run,
// rm -f of every name leaves no record and system check finds nothing.
func TestDaemonReexecDuringCommands(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	e.image()
	stop := systemctlEvery(t, e, 700*time.Millisecond, "daemon-reexec")
	failed := 0
	for i := range 25 {
		n := "rx" + strconv.Itoa(i)
		for _, args := range [][]string{{"run", "-d", "--name", n, "bb", "sleep", "100"}, {"stop", "-t", "0", n}, {"start", n}, {"rm", "-f", "-t", "0", n}} {
			r := e.run(args...)
			if r.code == 0 {
				continue
			}
			failed++
			t.Logf("podunit %s: exit %d: %s", strings.Join(args, " "), r.code, firstLine(r.err))
			if r.code != 125 || !strings.Contains(r.err, "unavailable") {
				t.Errorf("podunit %s: exit %d: %s", strings.Join(args, " "), r.code, firstLine(r.err))
			}
		}
	}
	stop()
	t.Logf("%d of 100 commands failed as unavailable", failed)
	for i := range 25 {
		e.run("rm", "-f", "-t", "0", "rx"+strconv.Itoa(i))
	}
	if left := e.must("ps", "-aq"); left != "" {
		t.Errorf("containers left after rm -f of every name: %s", left)
	}
	if r := e.run("system", "check"); r.code != 0 {
		t.Errorf("system check: exit %d: %s%s", r.code, r.out, r.err)
	}
}
