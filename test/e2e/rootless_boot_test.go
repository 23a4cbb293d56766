package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestRootlessUnderSystemd runs rootless podunit in the sandbox's systemd
// for a user with linger: logind starts user@UID.service with its private
// socket, an attached run works there with crun and runc, and run -d makes
// a user unit whose main process is the container's init, whose output
// logs reads from the journal.
func TestRootlessUnderSystemd(t *testing.T) {
	// not parallel: useradd and userdel on the host, a resolver on 127.83.5.3:53 in the host's network namespace
	requireRootlessHost(t)
	dir, tar := rootlessDir(t)
	u := newRootlessUser(t, dir, fmt.Sprintf("purb%d", os.Getpid()%100000), true)
	u.must("image", "import", tar, "bb")   // on the host, before the boot starts gen.service
	u.must("tag", "bb", auImage, au2Image) // for checkRootlessAutoUpdate
	gens := userGenerator(t, dir, u)
	asked := serveLoopbackDNS(t)
	u.sb = harness.Boot(t, harness.Options{Binds: []string{gens, pastaConf(t, dir), loopbackResolv(t, dir)}})
	userTun(t, u)
	u.sb.Run(t, "loginctl", "enable-linger", u.name)
	t.Cleanup(func() { _, _, _, _ = u.sb.Exec("loginctl", "disable-linger", u.name) })
	u.sb.WaitActive(t, "user@"+u.uid+".service", "active", 20*time.Second)
	u.env = mergeEnv(u.env, []string{"XDG_RUNTIME_DIR=/run/user/" + u.uid, "CONTAINERS_CONF="}) // pasta, the default
	if out := u.sb.Run(t, "ls", "/run/user/"+u.uid+"/systemd"); !strings.Contains(out, "private") {
		t.Fatalf("the user manager's private socket is missing: %s", out)
	}
	checkUserGenerated(t, u)
	for _, rt := range []string{"crun", "runc"} {
		out := u.must("--runtime", rt, "run", "--rm", "bb", "head", "-n1", "/proc/self/uid_map")
		if got := strings.Join(strings.Fields(out), " "); got != "0 "+u.uid+" 1" {
			t.Errorf("%s under systemd: uid_map %q", rt, out)
		}
	}
	checkRootlessUnit(t, u)
	checkRootlessPasta(t, u)
	checkPastaDNS(t, u, asked)
	checkRootfulPastaUnit(t, u.sb)
	checkRootlessAutoUpdate(t, u)
	checkUserGenerate(t, u)
}

// checkRootlessUnit: run -d as the user makes podunit-NAME.service on the
// user's manager, its MainPID is the container's init (uid 0 there is the
// user), and stop ends the unit through systemd.
func checkRootlessUnit(t *testing.T, u *rootlessUser) {
	u.must("run", "-d", "--name", "d1", "bb", "sh", "-c", "echo out-line; echo err-line >&2; exec sleep 300")
	show := u.userctl(t, "show", "-p", "MainPID", "-p", "ActiveState", "podunit-d1.service")
	pid := u.field("d1", "{{.State.Pid}}")
	if show != "MainPID="+pid+"\nActiveState=active\n" {
		u.sb.DumpUnit(t, "user@"+u.uid+".service")
		t.Fatalf("podunit-d1.service: %q, container init %s", show, pid)
	}
	if m := u.sb.Run(t, "head", "-n1", "/proc/"+pid+"/uid_map"); strings.Join(strings.Fields(m), " ") != "0 "+u.uid+" 1" {
		t.Errorf("the unit's main process maps %q", m)
	}
	checkRootlessLogs(t, u)
	checkRootlessPause(t, u)
	checkRootlessSystemCheck(t, u)
	u.hide = "/usr/bin/newuidmap" // stop of one container goes through the user's manager from outside
	u.must("stop", "-t", "2", "d1")
	u.hide = ""
	if st := u.userctl(t, "show", "-p", "ActiveState", "podunit-d1.service"); st != "ActiveState=inactive\n" {
		t.Errorf("after stop: %q", st)
	}
	if got := u.field("d1", "{{.State.Status}}"); got != "exited" {
		t.Errorf("after stop podunit says %q", got)
	}
	u.must("rm", "d1")
}

// checkRootlessLogs: logs reads the user unit's output from the journal,
// stdout and stderr apart.
func checkRootlessLogs(t *testing.T, u *rootlessUser) {
	var r result
	eventually(t, 10*time.Second, "the unit's output in the journal", func() bool {
		r = u.run(nil, "logs", "d1")
		return r.code == 0 && strings.Contains(r.out, "out-line") && strings.Contains(r.err, "err-line")
	})
	if strings.Contains(r.out, "err-line") || strings.Contains(r.err, "out-line") {
		t.Errorf("logs mixed the streams: stdout %q, stderr %q", r.out, r.err)
	}
	// logs reads the journal as the user, outside any user namespace
	u.hide = "/usr/bin/newuidmap"
	defer func() { u.hide = "" }()
	if again := u.run(nil, "logs", "d1"); again.code != 0 || again.out != r.out || again.err != r.err {
		t.Errorf("logs d1 outside a user namespace: exit %d, stdout %q, stderr %q; want %q, %q",
			again.code, again.out, again.err, r.out, r.err)
	}
}

// userctl runs systemctl --user as u in the sandbox.
func (u *rootlessUser) userctl(t *testing.T, args ...string) string {
	argv := append([]string{"--reuid=" + u.uid, "--regid=" + u.gid, "--clear-groups", "env",
		"XDG_RUNTIME_DIR=/run/user/" + u.uid, "systemctl", "--user"}, args...)
	return u.sb.Run(t, "setpriv", argv...)
}

func (u *rootlessUser) field(name, tmpl string) string {
	u.t.Helper()
	return strings.TrimSpace(u.must("inspect", "--format", tmpl, name))
}

// checkRootlessPause: pause and unpause a user unit's container through
// the user's manager, which freezes only on the unified cgroup hierarchy;
// on a hybrid one (this machine's) pause says so, exit 125.
func checkRootlessPause(t *testing.T, u *rootlessUser) {
	r := u.run(nil, "pause", "d1")
	if fs := strings.TrimSpace(u.sb.Run(t, "stat", "-fc", "%T", "/sys/fs/cgroup")); fs != "cgroup2fs" {
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, "cgroup v2") {
			t.Errorf("pause on a %s /sys/fs/cgroup: exit %d, %q; want 125 naming cgroup v2", fs, r.code, r.err)
		}
		return
	}
	if r.code != 0 {
		t.Fatalf("pause d1: exit %d: %s", r.code, r.err)
	}
	if st := u.userctl(t, "show", "-p", "FreezerState", "podunit-d1.service"); st != "FreezerState=frozen\n" {
		t.Errorf("after pause: %q", st)
	}
	if got := u.field("d1", "{{.State.Status}}"); got != "paused" {
		t.Errorf("after pause podunit says %q", got)
	}
	u.must("unpause", "d1")
	if st := u.userctl(t, "show", "-p", "FreezerState", "podunit-d1.service"); st != "FreezerState=running\n" {
		t.Errorf("after unpause: %q", st)
	}
}

// checkRootlessSystemCheck: system check looks at the user's units on the
// user's manager: a podunit unit of this storage whose container has no
// record is found, and repair stops it, leaving d1's unit running.
func checkRootlessSystemCheck(t *testing.T, u *rootlessUser) {
	root := strings.TrimSpace(u.must("info", "--format", "{{.Store.GraphRoot}}"))
	orphan := strings.Repeat("0f", 32)
	argv := []string{"--reuid=" + u.uid, "--regid=" + u.gid, "--clear-groups", "env", "XDG_RUNTIME_DIR=/run/user/" + u.uid,
		"systemd-run", "--user", "--unit", "podunit-orph.service", "--", "/bin/sh", "-c", "exec sleep 300",
		"--root", root, "container", "unit-start", orphan}
	u.sb.Run(t, "setpriv", argv...)
	r := u.run(nil, "system", "check")
	if r.code != 125 || !strings.Contains(r.out, "podunit-orph.service") {
		t.Errorf("system check with an orphan user unit: exit %d\n%s%s", r.code, r.out, r.err)
	}
	u.must("system", "check", "--repair")
	if st := u.userctl(t, "show", "-p", "ActiveState", "podunit-orph.service", "podunit-d1.service"); st != "ActiveState=inactive\n\nActiveState=active\n" {
		t.Errorf("after repair (the orphan, then d1): %q", st)
	}
	u.must("system", "check")
}
