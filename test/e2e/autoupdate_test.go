package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podunit/podunit/test/harness"
	"github.com/podunit/podunit/test/testimage"
)

// autoUpdateApp pushes version v of the test app to ref: /version says v,
// and /app, the image's command, runs unless broken (then it exits 1 at
// once). It returns the image's ID.
func autoUpdateApp(t *testing.T, ref, v string, broken bool) string {
	app := "#!/bin/sh\necho started " + v + "\nexec sleep 600\n"
	if broken {
		app = "#!/bin/sh\necho broken " + v + "\nexit 1\n"
	}
	return testimage.PushImage(t, ref, testimage.Config{Cmd: []string{"/app"},
		Files: map[string]string{"/version": v + "\n", "/app": app}})
}

// TestAutoUpdateUnderSystemd: against a registry on 127.0.0.1, three
// labelled containers (a transient unit's, a unit file's and a pod
// member's with the local policy) and an unlabelled pod member. A pushed
// new image is picked up by each labelled one (it runs the new image's
// files) and only their units restart; --dry-run before changes nothing;
// a pushed broken image is rolled back and the good one runs again.
func TestAutoUpdateUnderSystemd(t *testing.T) {
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	e.image()
	host := testimage.StartRegistry(t)
	conf := fmt.Sprintf("unqualified-search-registries = []\n\n[[registry]]\nlocation = %q\ninsecure = true\n", host)
	if err := os.WriteFile(filepath.Join(e.dir, "registries.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	ref := host + "/podunit/app:latest"
	autoUpdateApp(t, ref, "v1", false)
	e.must("pull", "-q", ref)
	label := "io.containers.autoupdate="
	e.must("run", "-d", "--name", "cli", "--stop-signal", "KILL", "--label", label+"registry", ref)
	handUnit(e, "unitctr", "KillSignal=SIGKILL", "--label "+label+"registry "+ref)
	sb.DumpOnFailure(t, "podunit-cli.service", "unitctr.service", "podunit-pm.service")
	sb.Run(t, "systemctl", "start", "unitctr.service")
	e.must("pod", "create", "--name", "pp")
	e.must("run", "-d", "--pod", "pp", "--name", "pm", "--stop-signal", "KILL", "--label", label+"local", ref)
	e.must("run", "-d", "--pod", "pp", "--name", "po", "--stop-signal", "KILL", "bb", "sleep", "600")
	lines := func(args ...string) string {
		return e.must(append([]string{"auto-update", "--format", "{{.ContainerName}} {{.Policy}} {{.Updated}}"}, args...)...)
	}
	if got := lines(); got != "cli registry false\npm local false\nunitctr registry false\n" {
		t.Fatalf("auto-update with nothing new:\n%s", got)
	}
	table := e.must("auto-update")
	if !strings.HasPrefix(table, "UNIT ") || !strings.Contains(table, "unitctr.service") || !strings.Contains(table, "POLICY") {
		t.Errorf("auto-update's table:\n%s", table)
	}

	v2 := autoUpdateApp(t, ref, "v2", false)
	before := autoUpdateState(e)
	if got := lines("--dry-run"); got != "cli registry pending\npm local false\nunitctr registry pending\n" {
		t.Errorf("auto-update --dry-run:\n%s", got)
	}
	if after := autoUpdateState(e); after != before {
		t.Errorf("--dry-run changed something:\n%s\nthen:\n%s", before, after)
	}
	if images := e.must("images", "-q", "--no-trunc"); strings.Contains(images, v2) {
		t.Errorf("--dry-run pulled the new image:\n%s", images)
	}
	poPID := e.field("po", "{{.State.Pid}}")
	checkAutoUpdated(t, e, "v2", v2)
	if got := e.field("po", "{{.State.Pid}}"); got != poPID {
		t.Errorf("the unlabelled pod member was restarted (pid %s, then %s)", poPID, got)
	}

	autoUpdateApp(t, ref, "v3", true)
	r := e.run("auto-update", "--format", "{{.ContainerName}} {{.Updated}}")
	if r.code != 0 || r.out != "cli rolled back\npm false\nunitctr rolled back\n" || !strings.Contains(r.err, "rolled back") {
		t.Fatalf("auto-update of a broken image: exit %d\n%s%s", r.code, r.out, r.err)
	}
	for _, name := range []string{"cli", "unitctr"} {
		if got := e.must("exec", name, "cat", "/version"); got != "v2\n" {
			t.Errorf("after the rollback %s runs %q", name, got)
		}
		if got := e.field(name, "{{.Image}} {{.State.Status}}"); got != v2+" running" {
			t.Errorf("after the rollback inspect %s: %q, want image %s running", name, got, v2)
		}
	}
}

// autoUpdateState is what auto-update --dry-run must not change: each
// container's image, pid and start time.
func autoUpdateState(e *env) string {
	return e.must("ps", "-a", "--no-trunc", "--format", "{{.Names}} {{.ImageID}} {{.Pid}} {{.StartedAt}}")
}

// checkAutoUpdated runs auto-update with a new image v (ID id) in the
// registry: every labelled container is updated, runs it and says so.
func checkAutoUpdated(t *testing.T, e *env, v, id string) {
	var rows []map[string]string
	if err := json.Unmarshal([]byte(e.must("auto-update", "--format", "json")), &rows); err != nil {
		t.Fatalf("auto-update --format json: %v", err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r["ContainerName"]] = r["Updated"]
	}
	if len(got) != 3 || got["cli"] != "true" || got["unitctr"] != "true" || got["pm"] != "true" {
		t.Errorf("auto-update --format json: %v", rows)
	}
	for _, name := range []string{"cli", "unitctr", "pm"} {
		if out := e.must("exec", name, "cat", "/version"); out != v+"\n" {
			t.Errorf("after the update %s runs %q, want %s", name, out, v)
		}
		if img := e.field(name, "{{.Image}}"); img != id {
			t.Errorf("after the update %s's image is %s, want %s", name, img, id)
		}
	}
	if state := strings.TrimSpace(e.sh("systemctl is-active pp-pod.service || true")); state != "active" {
		t.Errorf("the pod's unit is %s after its member's update", state)
	}
}

// TestAutoUpdateBadInput: a bad policy, a registry policy without a
// registry in the name and auto-update's own bad flags print an Error:
// line naming the thing, exit 125 and change nothing; with no running
// labelled container auto-update prints nothing.
func TestAutoUpdateBadInput(t *testing.T) {
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("create", "--name", "idle", "--label", "io.containers.autoupdate=local", "bb", "true")
	cases := []struct {
		args  []string
		names string
	}{
		{[]string{"create", "--label", "io.containers.autoupdate=sometimes", "bb", "true"}, "io.containers.autoupdate=sometimes"},
		{[]string{"create", "--label", "io.containers.autoupdate=registry", "bb", "true"}, `"bb"`},
		{[]string{"run", "--rm", "--label", "io.containers.autoupdate=registry", "bb", "true"}, "fully qualified"},
		{[]string{"auto-update", "idle"}, "idle"},
		{[]string{"auto-update", "--authfile", "/no/such/auth.json"}, "/no/such/auth.json"},
	}
	before := snapshot(e)
	for _, c := range cases {
		r := e.run(c.args...)
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, c.names) {
			t.Errorf("podunit %s: exit %d, stderr %q; want 125 and an Error: naming %s", strings.Join(c.args, " "), r.code, r.err, c.names)
		}
	}
	if r := e.run("auto-update", "--format", "{{.Nope}}"); r.code != 0 || r.out != "" {
		t.Errorf("auto-update with nothing to update: exit %d, %q %q", r.code, r.out, r.err)
	}
	if after := snapshot(e); after != before {
		t.Errorf("state changed:\n%s\nthen:\n%s", before, after)
	}
}
