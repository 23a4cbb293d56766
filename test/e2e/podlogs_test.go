package e2e

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestPodEveryday checks pod logs, pod restart and pod exists under a real
// systemd, with crun.
func TestPodEveryday(t *testing.T) {
	// not parallel: log order from members half a second apart
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	e.image()
	newPod(e, "pl", "echo first-a; sleep 1; echo second-a; exec sleep 600",
		"sleep 0.5; echo first-b; echo err-b >&2; until [ -e /tmp/go ]; do sleep 0.1; done; echo late-b; exec sleep 600")
	e.must("pod", "start", "pl")
	ids := map[string]string{}
	for _, m := range []string{"pl-m0", "pl-m1"} {
		ids[m] = e.field(m, "{{.ID}}")[:12]
	}
	eventually(t, 15*time.Second, "both members' output", func() bool {
		return strings.Count(e.run("pod", "logs", "pl").out, "\n") == 3
	})
	r := e.run("pod", "logs", "pl")
	want := ids["pl-m0"] + " first-a\n" + ids["pl-m1"] + " first-b\n" + ids["pl-m0"] + " second-a\n"
	if r.code != 0 || r.out != want || r.err != ids["pl-m1"]+" err-b\n" {
		t.Fatalf("pod logs: exit %d\nstdout %q\nwant   %q\nstderr %q", r.code, r.out, want, r.err)
	}
	if got := e.must("pod", "logs", "--names", "-c", "pl-m0", "pl"); got != "pl-m0 first-a\npl-m0 second-a\n" {
		t.Errorf("pod logs --names -c pl-m0: %q", got)
	}
	if got := e.must("pod", "logs", "--since", "2099-01-01T00:00:00Z", "pl"); got != "" {
		t.Errorf("pod logs --since the future: %q", got)
	}
	if r := e.run("pod", "logs", "-c", "nosuch", "pl"); r.code != 125 || !strings.Contains(r.err, "nosuch") {
		t.Errorf("pod logs -c nosuch: exit %d, stderr %q", r.code, r.err)
	}
	checkPodLogsFollow(t, e, ids["pl-m1"])
	t.Run("restart", func(t *testing.T) {
		e := e.on(t)
		before := e.field("pl-m0", "{{.State.Pid}}")
		e.must("pod", "restart", "pl")
		after := e.field("pl-m0", "{{.State.Pid}} {{.State.Status}}")
		if !regexp.MustCompile(`^[1-9][0-9]* running$`).MatchString(after) || strings.HasPrefix(after, before+" ") {
			t.Errorf("pl-m0 before restart pid %s, after %q", before, after)
		}
		if got := e.must("pod", "ps", "--format", "{{.Name}} {{.Status}}"); got != "pl Running\n" {
			t.Errorf("pod ps after restart: %q", got)
		}
	})
	t.Run("stats, pause and unpause", func(t *testing.T) { checkPodStatsAndPause(t, e, ids) })
	t.Run("exists", func(t *testing.T) {
		e := e.on(t)
		e.must("pod", "exists", "pl")
		if r := e.run("pod", "exists", "nosuch"); r.code != 1 || r.out != "" || r.err != "" {
			t.Errorf("pod exists nosuch: exit %d, %q %q", r.code, r.out, r.err)
		}
	})
}

// checkPodLogsFollow follows the pod's logs while a member writes a line,
// then interrupts the reader as Ctrl-C would.
func checkPodLogsFollow(t *testing.T, e *env, m1 string) {
	wait := startFollowing(t, e, "4", "pod", "logs", "-f", "pl")
	e.must("exec", "pl-m1", "touch", "/tmp/go")
	if out, err := wait(); err != nil || !strings.HasSuffix(out, m1+" late-b\n") {
		t.Errorf("pod logs -f: %v\n%s", err, out)
	}
}

// checkPodStatsAndPause: pod stats lists each running member under Podman's
// columns and PodStatsReport keys; pod pause freezes every member (ps says
// Paused) and prints the pod's ID, pod unpause thaws them.
func checkPodStatsAndPause(t *testing.T, e *env, ids map[string]string) {
	e = e.on(t)
	podID := strings.TrimSpace(e.must("pod", "inspect", "--format", "{{.ID}}", "pl"))
	out := e.must("pod", "stats", "--no-stream", "pl")
	head := strings.Join(strings.Fields(strings.SplitN(out, "\n", 2)[0]), " ")
	if want := "POD CID NAME CPU % MEM USAGE/ LIMIT MEM % NET IO BLOCK IO PIDS"; head != want {
		t.Errorf("pod stats header %q, want Podman's %q\n%s", head, want, out)
	}
	for m, id := range ids {
		if !regexp.MustCompile(`(?m)^` + podID[:12] + `\s+` + id + `\s+` + m + `\s+\d+\.\d\d%`).MatchString(out) {
			t.Errorf("pod stats has no row for %s (%s):\n%s", m, id, out)
		}
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(e.must("pod", "stats", "--no-stream", "--format", "json", "pl")), &rows); err != nil || len(rows) != 2 {
		t.Fatalf("pod stats --format json: %v, %d rows", err, len(rows))
	}
	keys := slices.Sorted(maps.Keys(rows[0]))
	if want := []string{"BlockIO", "CID", "CPU", "Mem", "MemUsage", "MemUsageBytes", "Name", "NetIO", "PIDS", "Pod"}; !slices.Equal(keys, want) {
		t.Errorf("pod stats JSON keys %v, want PodStatsReport's %v", keys, want)
	}
	if got := e.must("pod", "pause", "pl"); strings.TrimSpace(got) != podID {
		t.Errorf("pod pause printed %q, want the pod's ID", got)
	}
	if got := e.must("ps", "--filter", "pod=pl", "--format", "{{.Names}} {{.Status}}"); strings.Count(got, "Paused") != 2 {
		t.Errorf("after pod pause:\n%s", got)
	}
	e.must("pod", "unpause", "pl")
	for m := range ids {
		if st := e.field(m, "{{.State.Status}}"); st != "running" {
			t.Errorf("%s after pod unpause: %s", m, st)
		}
	}
	if r := e.run("pod", "pause", "nosuch"); r.code != 125 || !strings.Contains(r.err, "nosuch") {
		t.Errorf("pod pause nosuch: exit %d, stderr %q", r.code, r.err)
	}
}
