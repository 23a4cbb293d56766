package e2e

import (
	"strings"
	"testing"
	"time"
)

// checkRootlessAutoUpdate (in TestRootlessUnderSystemd's boot): auto-update
// as the user acts on the user's own unit through the user's manager. A
// container with the local policy follows a new local image of its name
// (its unit restarts onto it: a new main process, the new files), and an
// image on which it does not come up is rolled back: the old one runs
// again, in an active unit.
func checkRootlessAutoUpdate(t *testing.T, u *rootlessUser) {
	defer logCost(t, "checkRootlessAutoUpdate", time.Now())
	const ref = "localhost/au:latest"
	u.must("tag", "bb", ref)
	u.must("run", "-d", "--name", "au", "--stop-signal", "KILL", "--label", "io.containers.autoupdate=local", ref,
		"sh", "-c", "test ! -e /broken && exec sleep 600")
	next := func(name, change string) string { // a new image of ref, with change made in it
		u.must("run", "--name", name, "--network", "none", ref, "sh", "-c", change)
		u.must("commit", "-q", name, ref)
		u.must("rm", name)
		return strings.TrimSpace(u.must("image", "inspect", "--format", "{{.Id}}", ref))
	}
	lines := func() string {
		return u.must("auto-update", "--format", "{{.Unit}} {{.ContainerName}} {{.Policy}} {{.Updated}}")
	}
	if got := lines(); got != "podunit-au.service au local false\n" {
		t.Fatalf("rootless auto-update with nothing new: %q", got)
	}
	pid := u.field("au", "{{.State.Pid}}")
	v2 := next("mk2", "echo v2 > /version")
	if got := lines(); got != "podunit-au.service au local true\n" {
		t.Fatalf("rootless auto-update onto a new local image: %q", got)
	}
	checkUserUnitRuns(t, u, "au", v2, "v2")
	if got := u.field("au", "{{.State.Pid}}"); got == pid {
		t.Errorf("au's init is still pid %s after its update", pid)
	}
	next("mk3", "touch /broken")
	r := u.run(nil, "auto-update", "--format", "{{.ContainerName}} {{.Updated}}")
	if r.code != 0 || r.out != "au rolled back\n" || !strings.Contains(r.err, "rolled back") {
		t.Fatalf("rootless auto-update onto an image it does not come up on: exit %d\n%s%s", r.code, r.out, r.err)
	}
	checkUserUnitRuns(t, u, "au", v2, "v2")
	u.must("rm", "-f", "au")
}

// checkUserUnitRuns: container name runs image id, whose /version is v,
// as the main process of its active user unit.
func checkUserUnitRuns(t *testing.T, u *rootlessUser, name, id, v string) {
	t.Helper()
	if got := u.field(name, "{{.Image}} {{.State.Status}}"); got != id+" running" {
		t.Errorf("%s: %q, want image %s running", name, got, id)
	}
	if got := u.must("exec", name, "cat", "/version"); got != v+"\n" {
		t.Errorf("%s runs /version %q, want %s", name, got, v)
	}
	show := u.userctl(t, "show", "-p", "MainPID", "-p", "ActiveState", "podunit-"+name+".service")
	if want := "MainPID=" + u.field(name, "{{.State.Pid}}") + "\nActiveState=active\n"; show != want {
		t.Errorf("podunit-%s.service: %q, want %q", name, show, want)
	}
}
