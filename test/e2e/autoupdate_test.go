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

// The test app's versions: good ones run and have /healthy, a broken one
// exits 1 at once, an unhealthy one runs without /healthy.
const (
	appGood = iota
	appBroken
	appUnhealthy
)

// autoUpdateApp pushes version v of the test app to ref: /version says v,
// /app is the image's command, given v as its argument and as $APP_V in
// the image's environment; it writes both to /tmp/started. It returns the
// image's ID.
func autoUpdateApp(t *testing.T, ref, v string, kind int) string {
	files := map[string]string{"/version": v + "\n",
		"/app": "#!/bin/sh\necho started " + v + "\necho \"$1 $APP_V\" > /tmp/started\nexec sleep 600\n"}
	switch kind {
	case appGood:
		files["/healthy"] = "yes\n"
	case appBroken:
		files["/app"] = "#!/bin/sh\necho broken " + v + "\nexit 1\n"
	}
	return testimage.PushImage(t, ref, testimage.Config{Cmd: []string{"/app", v}, Env: []string{testimage.DefaultPath, "APP_V=" + v}, Files: files})
}

// TestAutoUpdateUnderSystemd: against a registry on 127.0.0.1, four
// labelled containers (transient units' with and without a health check, a
// .container file's with AutoUpdate=registry, generated at daemon-reload,
// and a pod member's with the local policy) and an unlabelled pod member. A pushed new image is picked up by each labelled one (it
// runs the new image's files, command and environment) and only their units restart; --dry-run
// before changes nothing; a pushed broken image is rolled back and the
// good one runs again; an image that runs but fails the health check is
// rolled back where there is a check and kept where there is none; with
// --rollback=false a broken image is left failed.
func TestAutoUpdateUnderSystemd(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, generatorOptions(t))
	e := newEnv(t, sb, "crun")
	e.image()
	host := testimage.StartRegistry(t)
	conf := fmt.Sprintf("unqualified-search-registries = []\n\n[[registry]]\nlocation = %q\ninsecure = true\n", host)
	if err := os.WriteFile(filepath.Join(e.dir, "registries.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	ref := host + "/podunit/app:latest"
	v1 := autoUpdateApp(t, ref, "v1", appGood)
	e.must("pull", "-q", ref)
	label := "io.containers.autoupdate="
	e.must("run", "-d", "--name", "cli", "--stop-signal", "KILL", "--label", label+"registry", ref)
	e.must("run", "-d", "--name", "hc", "--stop-signal", "KILL", "--label", label+"registry", "--health-cmd", "test -e /healthy",
		"--health-interval", "1s", "--health-retries", "1", "--health-timeout", "5s", ref)
	installContainerFile(e, "unitctr", "[Container]\nImage="+ref+"\nContainerName=unitctr\nAutoUpdate=registry\nStopSignal=KILL\n")
	sb.DumpOnFailure(t, "podunit-cli.service", "unitctr.service", "podunit-pm.service")
	sb.Run(t, "systemctl", "start", "unitctr.service")
	e.must("pod", "create", "--name", "pp")
	e.must("run", "-d", "--pod", "pp", "--name", "pm", "--stop-signal", "KILL", "--label", label+"local", ref)
	e.must("run", "-d", "--pod", "pp", "--name", "po", "--stop-signal", "KILL", "bb", "sleep", "600")
	lines := func(args ...string) string {
		return e.must(append([]string{"auto-update", "--format", "{{.ContainerName}} {{.Policy}} {{.Updated}}"}, args...)...)
	}
	if got := lines(); got != "cli registry false\nhc registry false\npm local false\nunitctr registry false\n" {
		t.Fatalf("auto-update with nothing new:\n%s", got)
	}
	table := e.must("auto-update")
	if !strings.HasPrefix(table, "UNIT ") || !strings.Contains(table, "unitctr.service") || !strings.Contains(table, "POLICY") {
		t.Errorf("auto-update's table:\n%s", table)
	}

	v2 := autoUpdateApp(t, ref, "v2", appGood)
	before := autoUpdateState(e)
	if got := lines("--dry-run"); got != "cli registry pending\nhc registry pending\npm local false\nunitctr registry pending\n" {
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
	if got := e.must("events", "--stream=false", "--filter", "type=system", "--format", "{{.Type}} {{.Status}}"); !strings.HasPrefix(got, "system auto-update\n") {
		t.Errorf("auto-update's events: %q", got)
	}
	if got := e.field("po", "{{.State.Pid}}"); got != poPID {
		t.Errorf("the unlabelled pod member was restarted (pid %s, then %s)", poPID, got)
	}

	v3 := autoUpdateApp(t, ref, "v3", appBroken)
	r := e.run("auto-update", "--format", "{{.ContainerName}} {{.Updated}}")
	if r.code != 0 || r.out != "cli rolled back\nhc rolled back\npm false\nunitctr rolled back\n" || !strings.Contains(r.err, "rolled back") {
		t.Fatalf("auto-update of a broken image: exit %d\n%s%s", r.code, r.out, r.err)
	}
	checkRunning(t, e, v2, "v2", "cli", "hc", "unitctr")

	v4 := autoUpdateApp(t, ref, "v4", appUnhealthy)
	r = e.run("auto-update", "--format", "{{.ContainerName}} {{.Updated}}")
	if r.code != 0 || r.out != "cli true\nhc rolled back\npm true\nunitctr true\n" || !strings.Contains(r.err, "unhealthy") {
		t.Fatalf("auto-update of an image that fails the health check: exit %d\n%s%s", r.code, r.out, r.err)
	}
	checkRunning(t, e, v2, "v2", "hc")
	checkRunning(t, e, v4, "v4", "cli", "unitctr", "pm")
	if got := e.field("hc", "{{.State.Health.Status}}"); got != "healthy" {
		t.Errorf("after the rollback hc is %s", got)
	}
	checkAutoUpdateUnits(t, e, v1, v3)
	checkNoRollback(t, e, ref)

	// A start that follows the name to an image only podunit-full reads (a
	// schema 1 manifest) asks before it changes anything, and runs again in
	// podunit-full, which follows it.
	old := host + "/podunit/old:1"
	testimage.PushSchema1(t, old, testimage.Config{Cmd: []string{"sleep", "600"}})
	e.must("pull", "-q", old)
	oldID := strings.TrimSpace(e.must("image", "inspect", "--format", "{{.Id}}", old))
	e.must("tag", "bb", "localhost/follow:1")
	e.must("run", "-d", "--name", "fol", "--stop-signal", "KILL", "--label", label+"local", "localhost/follow:1", "sleep", "600")
	e.must("tag", old, "localhost/follow:1")
	e.must("restart", "fol")
	if got := e.field("fol", "{{.Image}} {{.State.Status}}"); got != oldID+" running" {
		t.Errorf("fol after its name moved to a schema 1 image: %q, want %s running", got, oldID)
	}
}

// checkAutoUpdateUnits installs the shipped units/podunit-auto-update.*
// for e's podunit: the service runs auto-update (nothing new: each
// container is current) and prunes the images nothing uses (gone), and
// the timer can be enabled.
func checkAutoUpdateUnits(t *testing.T, e *env, gone ...string) {
	podunit := e.bin + " " + strings.Join(e.globals(), " ")
	for _, name := range []string{"podunit-auto-update.service", "podunit-auto-update.timer"} {
		src, err := os.ReadFile(filepath.Join("..", "..", "units", name)) // go test runs in test/e2e
		if err != nil {
			t.Fatal(err)
		}
		unit := strings.ReplaceAll(string(src), "=/usr/bin/podunit ", "="+podunit+" ")
		unit = strings.Replace(unit, "[Service]\n", fmt.Sprintf("[Service]\nEnvironment=CONTAINERS_REGISTRIES_CONF=%s/registries.conf\n", e.dir), 1)
		e.sh(fmt.Sprintf("cat > /etc/systemd/system/%s <<'EOF'\n%sEOF", name, unit))
	}
	e.sb.DumpOnFailure(t, "podunit-auto-update.service")
	e.sb.Run(t, "systemctl", "daemon-reload")
	e.sb.Run(t, "systemctl", "start", "podunit-auto-update.service")
	journal := e.sh("journalctl -u podunit-auto-update.service -o cat --no-pager")
	if !strings.Contains(journal, "UPDATED") || !strings.Contains(journal, "unitctr.service") {
		t.Errorf("podunit-auto-update.service's journal lacks auto-update's table:\n%s", journal)
	}
	images := e.must("images", "-q", "--no-trunc")
	for _, id := range gone {
		if strings.Contains(images, id) {
			t.Errorf("the service's prune left the unused image %s:\n%s", id, images)
		}
	}
	e.sb.Run(t, "systemctl", "enable", "--now", "podunit-auto-update.timer")
	if got := strings.TrimSpace(e.sh("systemctl is-active podunit-auto-update.timer")); got != "active" {
		t.Errorf("podunit-auto-update.timer is %s after enable --now", got)
	}
}

// checkRunning checks that each named container runs image id, version v,
// with that image's command and environment.
func checkRunning(t *testing.T, e *env, id, v string, names ...string) {
	for _, name := range names {
		if got := e.must("exec", name, "cat", "/version"); got != v+"\n" {
			t.Errorf("%s runs %q, want %s", name, got, v)
		}
		if got := e.must("exec", name, "cat", "/tmp/started"); got != v+" "+v+"\n" {
			t.Errorf("%s runs with the command and environment of %q, want %s's", name, got, v)
		}
		if got := e.field(name, "{{.Image}} {{.State.Status}}"); got != id+" running" {
			t.Errorf("inspect %s: %q, want image %s running", name, got, id)
		}
		// inspect's rootfs is the new one: the image's digest, and the
		// upper directory the container writes into
		digest := strings.TrimSpace(e.must("image", "inspect", "--format", "{{.Digest}}", id))
		if got := e.field(name, "{{.ImageDigest}}"); got != digest {
			t.Errorf("inspect %s: ImageDigest %s, want %s", name, got, digest)
		}
		upper := e.field(name, "{{.GraphDriver.Data.UpperDir}}")
		if b, err := os.ReadFile(filepath.Join(upper, "tmp", "started")); err != nil || string(b) != v+" "+v+"\n" {
			t.Errorf("inspect %s: UpperDir %s holds /tmp/started %q (%v), want %s's", name, upper, b, err, v)
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
	if len(got) != 4 || got["cli"] != "true" || got["hc"] != "true" || got["unitctr"] != "true" || got["pm"] != "true" {
		t.Errorf("auto-update --format json: %v", rows)
	}
	checkRunning(t, e, id, v, "cli", "hc", "unitctr", "pm")
	if state := strings.TrimSpace(e.sh("systemctl is-active pp-pod.service || true")); state != "active" {
		t.Errorf("the pod's unit is %s after its member's update", state)
	}
}

// TestAutoUpdateBadInput: a bad policy, a registry policy without a
// registry in the name and auto-update's own bad flags print an Error:
// line naming the thing, exit 125 and change nothing; with no running
// labelled container auto-update prints nothing.
func TestAutoUpdateBadInput(t *testing.T) {
	t.Parallel()
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
