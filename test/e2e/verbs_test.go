package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// The everyday container verbs of issue 17 (top, cp, diff, mount, export,
// commit, rename, pause, stats), on the host with runc (attached
// containers) and under the sandbox's systemd with crun and runc.

// verbChecks are the checks that run in both places.
var verbChecks = []struct {
	name  string
	check func(t *testing.T, e *env)
}{
	{"top", checkTop},
}

func TestEverydayVerbsOnHost(t *testing.T) {
	e := newEnv(t, nil, "runc")
	e.image()
	for _, c := range verbChecks {
		t.Run(c.name, func(t *testing.T) { c.check(t, e) })
	}
}

func TestEverydayVerbsUnderSystemd(t *testing.T) {
	sb := harness.Boot(t, harness.Options{})
	for _, rt := range []string{"crun", "runc"} {
		t.Run(rt, func(t *testing.T) {
			e := newEnv(t, sb, rt)
			e.image()
			for _, c := range verbChecks {
				t.Run(c.name, func(t *testing.T) { c.check(t, e) })
			}
		})
	}
}

// running starts a container that runs until the test ends: detached
// under systemd, attached in the background on the host.
func (e *env) running(name string, args ...string) {
	e.t.Helper()
	t := e.t
	full := append([]string{"run", "--name", name}, args...)
	if e.sb != nil {
		e.must(append([]string{"run", "-d", "--name", name}, args...)...)
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		cmd := e.command(ctx, full...)
		if err := cmd.Start(); err != nil {
			cancel()
			t.Fatal(err)
		}
		t.Cleanup(func() {
			e.run("rm", "-f", "-t", "0", name)
			_ = cmd.Wait()
			cancel()
		})
	}
	t.Cleanup(func() { e.run("rm", "-f", "-t", "0", name) })
	eventually(t, 30*time.Second, name+" running", func() bool {
		return e.run("inspect", "--format", "{{.State.Status}}", name).out == "running\n"
	})
}

// columns splits a table's header line into its column titles (two or
// more spaces apart).
func columns(out string) []string {
	hdr, _, _ := strings.Cut(out, "\n")
	return regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(hdr), -1)
}

func checkTop(t *testing.T, e *env) {
	e = e.on(t)
	e.running("topper", "bb", "sh", "-c", "su app -c 'sleep 601' & exec sleep 600")
	out := e.must("top", "topper")
	want := []string{"USER", "PID", "PPID", "%CPU", "ELAPSED", "TTY", "TIME", "COMMAND"}
	if got := columns(out); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("top columns %q, want Podman's %q\n%s", got, want, out)
	}
	if !regexp.MustCompile(`(?m)^root\s+\d+\s+\d+\s+[\d.]+\s+\S+\s+\?\s+\S+\s+sleep 600$`).MatchString(out) {
		t.Errorf("top has no root row for sleep 600:\n%s", out)
	}
	eventually(t, 10*time.Second, "app's sleep", func() bool {
		return regexp.MustCompile(`(?m)^app\s.*sleep 601$`).MatchString(e.must("top", "topper"))
	})
	out = e.must("container", "top", "topper", "pid,user", "%c")
	if got := columns(out); strings.Join(got, "|") != "PID|USER|COMMAND" {
		t.Errorf("top with descriptors: columns %q\n%s", got, out)
	}
	if !strings.Contains(out, "sleep") || strings.Contains(out, "sleep 600") {
		t.Errorf("top %%c shows the command name only:\n%s", out)
	}
	if r := e.run("top", "topper", "bogus"); r.code != 125 || !strings.Contains(r.err, `"bogus"`) {
		t.Errorf("top with an unknown descriptor: exit %d, %q", r.code, r.err)
	}
	e.must("create", "--name", "topidle", "bb", "true")
	if r := e.run("top", "topidle"); r.code != 125 || !strings.Contains(r.err, "not running") {
		t.Errorf("top of a created container: exit %d, %q", r.code, r.err)
	}
}
