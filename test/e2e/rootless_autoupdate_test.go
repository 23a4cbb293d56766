package e2e

import (
	"strings"
	"testing"
	"time"
)

// The images checkRootlessAutoUpdate updates, tagged from bb before the
// boot: au's (a transient unit's) and au2.container's (a generated user
// unit's). Two names: a rollback gives its name back to the old image, so
// a container sharing the name would see nothing new.
const (
	auImage  = "localhost/au:latest"
	au2Image = "localhost/au2:latest"
)

// checkRootlessAutoUpdate (in TestRootlessUnderSystemd's boot): auto-update
// as the user acts on the user's own units through the user's manager. Two
// containers with the local policy, a transient unit's and a generated
// one's (au2.container, started here), follow a new local image of their
// name (their units restart onto it: a new main process, the new files);
// an image on which they do not come up is rolled back: the old one runs
// again, in an active unit (the generated unit's --rm container, gone with
// its failed start, is made anew by starting the unit again).
func checkRootlessAutoUpdate(t *testing.T, u *rootlessUser) {
	defer logCost(t, "checkRootlessAutoUpdate", time.Now())
	u.userctl(t, "start", "au2.service")
	u.must("run", "-d", "--name", "au", "--stop-signal", "KILL", "--label", "io.containers.autoupdate=local", auImage,
		"sh", "-c", "test ! -e /broken && exec sleep 600")
	next := func(name, change string) string { // a new image of both names, with change made in it
		u.must("run", "--name", name, "--network", "none", auImage, "sh", "-c", change)
		u.must("commit", "-q", name, auImage)
		u.must("tag", auImage, au2Image)
		u.must("rm", name)
		return strings.TrimSpace(u.must("image", "inspect", "--format", "{{.Id}}", auImage))
	}
	lines := func() string {
		return u.must("auto-update", "--format", "{{.Unit}} {{.ContainerName}} {{.Policy}} {{.Updated}}")
	}
	if got := lines(); got != "au2.service systemd-au2 local false\npodunit-au.service au local false\n" {
		t.Fatalf("rootless auto-update with nothing new: %q", got)
	}
	pid := u.field("au", "{{.State.Pid}}")
	v2 := next("mk2", "echo v2 > /version")
	if got := lines(); got != "au2.service systemd-au2 local true\npodunit-au.service au local true\n" {
		t.Fatalf("rootless auto-update onto a new local image: %q", got)
	}
	checkUserUnitRuns(t, u, "au", "podunit-au.service", v2, "v2")
	checkUserUnitRuns(t, u, "systemd-au2", "au2.service", v2, "v2")
	if got := u.field("au", "{{.State.Pid}}"); got == pid {
		t.Errorf("au's init is still pid %s after its update", pid)
	}
	next("mk3", "touch /broken")
	r := u.run(nil, "auto-update", "--format", "{{.ContainerName}} {{.Updated}}")
	if r.code != 0 || r.out != "systemd-au2 rolled back\nau rolled back\n" || !strings.Contains(r.err, "rolled back") {
		t.Fatalf("rootless auto-update onto an image it does not come up on: exit %d\n%s%s", r.code, r.out, r.err)
	}
	checkUserUnitRuns(t, u, "au", "podunit-au.service", v2, "v2")
	checkUserUnitRuns(t, u, "systemd-au2", "au2.service", v2, "v2")
	u.must("rm", "-f", "au")
	u.userctl(t, "stop", "au2.service")
}

// checkUserUnitRuns: container name runs image id, whose /version is v,
// as the main process of its active user unit.
func checkUserUnitRuns(t *testing.T, u *rootlessUser, name, unit, id, v string) {
	t.Helper()
	if got := u.field(name, "{{.Image}} {{.State.Status}}"); got != id+" running" {
		t.Errorf("%s: %q, want image %s running", name, got, id)
	}
	if got := u.must("exec", name, "cat", "/version"); got != v+"\n" {
		t.Errorf("%s runs /version %q, want %s", name, got, v)
	}
	show := u.userctl(t, "show", "-p", "MainPID", "-p", "ActiveState", unit)
	if want := "MainPID=" + u.field(name, "{{.State.Pid}}") + "\nActiveState=active\n"; show != want {
		t.Errorf("%s: %q, want %q", unit, show, want)
	}
}
