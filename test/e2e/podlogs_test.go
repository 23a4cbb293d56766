package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestPodEveryday checks pod logs, pod restart and pod exists under a real
// systemd, with crun.
func TestPodEveryday(t *testing.T) {
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
