package e2e

import (
	"context"
	"encoding/json"
	"fmt"
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
	{"diff and export", checkDiffExport},
	{"mount and unmount", checkMount},
	{"rename", checkRename},
	{"cp", checkCp},
	{"pause and unpause", checkPause},
	{"stats", checkStats},
	{"commit", checkCommit},
	{"container prune", checkContainerPrune},
	{"start without a driver named", checkStartWithoutDriver},
}

func TestEverydayVerbsOnHost(t *testing.T) {
	// not parallel: two stats samples within 2.5 s
	e := newEnv(t, nil, "runc")
	e.image()
	for _, c := range verbChecks {
		t.Run(c.name, func(t *testing.T) { c.check(t, e) })
	}
}

func TestEverydayVerbsUnderSystemd(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{})
	for _, rt := range []string{"crun", "runc"} {
		t.Run(rt, func(t *testing.T) {
			e := newEnv(t, sb, rt)
			e.image()
			for _, c := range verbChecks {
				t.Run(c.name, func(t *testing.T) { c.check(t, e) })
			}
			t.Run("one connection per run", func(t *testing.T) { checkOneConnection(t, e) })
			if rt == "crun" {
				t.Run("crun runs from a sealed copy", func(t *testing.T) { checkSealedCrun(t, e) })
			}
		})
	}
}

// checkOneConnection: a run asks systemd for its scope (attached) or its
// unit (-d) over the connection it began to make before the container
// (Engine.ConnectSoon), not over a second one: one connect to the manager's
// private socket each, and for -d one more that passes descriptors.
func checkOneConnection(t *testing.T, e *env) {
	e = e.on(t)
	// run -d starts directly (engine/unit_direct.go): a second connection,
	// which passes descriptors, hands the unit the container's stderr
	for _, tc := range []struct {
		args []string
		want int
	}{{[]string{"run", "--rm", "bb", "true"}, 1}, {[]string{"run", "-d", "--name", "onec", "bb", "sleep", "600"}, 2}} {
		out := e.traced("connect", tc.args...)
		if n := strings.Count(out, `sun_path="/run/systemd/private"`); n != tc.want {
			t.Errorf("%v connected to systemd's private socket %d times, want %d:\n%s", tc.args, n, tc.want, out)
		}
	}
	e.must("rm", "-f", "-t", "0", "onec")
}

// checkSealedCrun: podunit runs crun from a sealed in-memory copy of its
// binary, so crun does not make one itself at every call (a read-only bind
// mount of its binary, then its own execution again): each crun that run
// --rm, exec and pause start is executed once, from /proc/self/fd/, and
// none executes itself again (execveat). A unit's create and start go
// through the same code (engine/oci's command).
func checkSealedCrun(t *testing.T, e *env) {
	e = e.on(t)
	e.must("run", "-d", "--name", "sealed", "bb", "sleep", "600")
	defer e.must("rm", "-f", "-t", "0", "sealed")
	for _, args := range [][]string{{"run", "--rm", "bb", "true"}, {"exec", "sealed", "true"}, {"pause", "sealed"}, {"unpause", "sealed"}} {
		out := e.traced("execve,execveat", args...)
		if strings.Contains(out, "execveat(") || !strings.Contains(out, `execve("/proc/self/fd/`) {
			t.Errorf("%v: crun not run from a sealed copy, or it copied itself:\n%s", args, out)
		}
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
	if !regexp.MustCompile(`(?m)^root\s+1\s+0\s+[\d.]+\s+\S+\s+\?\s+\S+\s+sleep 600$`).MatchString(out) {
		t.Errorf("top has no row for the init, sleep 600, as root with PID 1 and PPID 0:\n%s", out)
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
	// options for ps(1), as Podman: the container's own ps runs with them
	out = e.must("top", "topper", "-o", "pid,comm")
	if !regexp.MustCompile(`(?m)^\s*PID\s+COMMAND$`).MatchString(out) || !regexp.MustCompile(`(?m)^\s*1\s+sleep$`).MatchString(out) {
		t.Errorf("top -o pid,comm (the container's ps):\n%s", out)
	}
	if r := e.run("top", "topper", "bogus"); r.code != 125 || !strings.Contains(r.err, `"bogus"`) {
		t.Errorf("top with an unknown descriptor: exit %d, %q", r.code, r.err)
	}
	for _, verb := range [][]string{{"top"}, {"container", "pause"}, {"stats"}, {"container", "commit"}} {
		if got := e.must(append(append([]string{"__complete"}, verb...), "topp")...); !strings.HasPrefix(got, "topper\n") {
			t.Errorf("completion of %v: %q", verb, got)
		}
	}
	e.must("create", "--name", "topidle", "bb", "true")
	if r := e.run("top", "topidle"); r.code != 125 || !strings.Contains(r.err, "not running") {
		t.Errorf("top of a created container: exit %d, %q", r.code, r.err)
	}
	if e.sb != nil { // pod top names users too (it showed 0 for root)
		e.must("pod", "create", "--name", "toppod")
		t.Cleanup(func() { e.run("pod", "rm", "-f", "-t", "0", "toppod") })
		e.must("run", "-d", "--pod", "toppod", "--name", "toppod-m", "-u", "app", "bb", "sleep", "600")
		if out := e.must("pod", "top", "toppod"); !regexp.MustCompile(`(?m)^app\s+\d+`).MatchString(out) {
			t.Errorf("pod top does not name the member's user:\n%s", out)
		}
	}
}

func checkDiffExport(t *testing.T, e *env) {
	e = e.on(t)
	e.must("create", "--name", "changer", "bb", "sh", "-c", "echo new > /new; rm /etc/group; echo x >> /etc/passwd")
	e.must("start", "-a", "changer")
	want := "C /etc\nD /etc/group\nC /etc/passwd\nA /new\n"
	if got := e.must("diff", "changer"); got != want {
		t.Errorf("diff printed %q, want %q (Podman's A/C/D lines, no runtime mount targets)", got, want)
	}
	var report map[string][]string
	if err := json.Unmarshal([]byte(e.must("container", "diff", "--format", "json", "changer")), &report); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(report) != "map[added:[/new] changed:[/etc /etc/passwd] deleted:[/etc/group]]" {
		t.Errorf("diff --format json: %v", report)
	}
	out := e.dir + "/changer.tar"
	e.must("export", "-o", out, "changer")
	if got := e.sh("tar -xOf " + out + " new"); got != "new\n" {
		t.Errorf("exported /new holds %q", got)
	}
	if list := e.sh("tar -tf " + out); strings.Contains(list, "etc/group") || !strings.Contains(list, "bin/busybox") {
		t.Errorf("export is not the container's rootfs:\n%s", list)
	}
	if r := e.run("export", "-o", e.dir+"/nosuch.tar", "nosuch"); r.code != 125 || e.sh("ls "+e.dir) == "nosuch.tar" {
		t.Errorf("export of a missing container: exit %d, %q", r.code, r.err)
	}
}

func checkMount(t *testing.T, e *env) {
	e = e.on(t)
	id := strings.TrimSpace(e.must("create", "--name", "mnt", "bb", "sh", "-c", "echo ran > /ran"))
	p := strings.TrimSpace(e.must("mount", "mnt"))
	if again := strings.TrimSpace(e.must("container", "mount", "mnt")); again != p {
		t.Fatalf("second mount at %q, first at %q", again, p)
	}
	e.sh("test -x " + p + "/bin/busybox")
	if got := e.must("mount"); !strings.Contains(got, id[:12]+"  "+p+"\n") {
		t.Errorf("mount lists %q, want %s  %s", got, id[:12], p)
	}
	e.must("start", "-a", "mnt")
	if got := e.sh("cat " + p + "/ran"); got != "ran\n" {
		t.Errorf("the mount does not see what the container wrote (or did not outlive its run): %q", got)
	}
	if got := e.must("unmount", "mnt"); got != id+"\n" {
		t.Errorf("unmount printed %q, want the ID", got)
	}
	if !strings.Contains(e.must("mount", "--format", "json"), `"mountpoint": "`+p+`"`) {
		t.Errorf("one unmount of two mounts left nothing mounted")
	}
	e.must("umount", "mnt")
	if got := e.must("mount", "--format", "json"); strings.TrimSpace(got) != "[]" {
		t.Errorf("after as many unmounts as mounts: %s", got)
	}
	e.sh("! test -e " + p + "/bin/busybox")
	if got := e.must("mount", "-a"); !strings.Contains(got, id[:12]+"  "+p+"\n") {
		t.Errorf("mount -a lists %q", got)
	}
	e.must("unmount", "-a")
	if got := e.must("mount"); got != "" {
		t.Errorf("after unmount -a: %q", got)
	}
	e.running("mntrun", "bb", "sleep", "600")
	if r := e.run("unmount", "mntrun"); r.code != 125 || !strings.Contains(r.err, "running") {
		t.Errorf("unmount of a running container's own mount: exit %d, %q", r.code, r.err)
	}
	e.must("exec", "mntrun", "true")
	// rm of a container mounted twice, and of a running one mounted once
	// more: storage's delete unmounts as often as it counts
	pr := strings.TrimSpace(e.must("mount", "mntrun"))
	e.must("mount", "mnt")
	e.must("mount", "mnt")
	e.must("rm", "mnt")
	e.must("rm", "-f", "-t", "0", "mntrun")
	for _, mp := range []string{p, pr} {
		if got := e.sh("grep -cF ' " + mp + " ' /proc/self/mountinfo || true"); got != "0\n" {
			t.Errorf("%s is still in the mount table after rm (%s times)", mp, strings.TrimSpace(got))
		}
	}
	if got := e.must("mount"); got != "" {
		t.Errorf("mount lists %q after rm of the mounted containers", got)
	}
}

func checkRename(t *testing.T, e *env) {
	e = e.on(t)
	e.must("create", "--name", "old", "bb", "sleep", "600")
	e.must("rename", "old", "new")
	if got := e.must("ps", "-a", "--filter", "name=^new$", "--format", "{{.Names}}"); got != "new\n" {
		t.Errorf("ps after rename: %q", got)
	}
	if r := e.run("inspect", "old"); r.code == 0 {
		t.Errorf("the old name still resolves")
	}
	e.must("create", "--name", "other", "bb", "true")
	if r := e.run("rename", "new", "other"); r.code != 125 || !strings.Contains(r.err, "already in use") {
		t.Errorf("rename onto a taken name: exit %d, %q", r.code, r.err)
	}
	if r := e.run("container", "rename", "new", "bad/name"); r.code != 125 {
		t.Errorf("rename to an invalid name: exit %d", r.code)
	}
	if e.sb == nil {
		return
	}
	e.must("start", "new")
	if got := e.field("new", "{{.Unit}}"); got != "podunit-new.service" {
		t.Errorf("a renamed container starts in unit %q", got)
	}
	e.must("rename", "new", "newer")
	if got := e.field("newer", "{{.Unit}}"); got != "podunit-new.service" {
		t.Errorf("a running container keeps its unit while it runs; got %q", got)
	}
	e.must("restart", "-t", "0", "newer")
	if got := strings.TrimSpace(e.sb.Run(t, "systemctl", "is-active", "podunit-newer.service")); got != "active" {
		t.Errorf("after restart the unit follows the new name: %s", got)
	}
	checkRenameUnitFile(t, e)
}

// checkRenameUnitFile: a container a unit file runs is renamed in the file.
func checkRenameUnitFile(t *testing.T, e *env) {
	unit := "renamed-" + e.runtime + ".service"
	e.sh(fmt.Sprintf(`cat > /etc/systemd/system/%s <<'EOF'
[Service]
Type=notify
NotifyAccess=all
Delegate=yes
KillMode=mixed
KillSignal=SIGKILL
ExecStart=%s run --unit --replace --rm --name infile bb sleep 600
ExecStopPost=%s container cleanup infile
EOF
systemctl daemon-reload`, unit, e.shellLine(), e.shellLine()))
	e.sb.Run(t, "systemctl", "start", unit)
	t.Cleanup(func() { e.sb.Run(t, "systemctl", "stop", unit) })
	if r := e.run("rename", "infile", "elsewhere"); r.code != 125 || !strings.Contains(r.err, unit) {
		t.Errorf("rename of a unit file's container: exit %d, %q", r.code, r.err)
	}
	if r := e.run("container", "exists", "infile"); r.code != 0 {
		t.Errorf("the refused rename changed the name")
	}
}

// checkStartWithoutDriver: with no --storage-driver (and, on the test
// machines, no storage.conf naming one), start learns the driver off the
// graph root without opening the store (image.priorDriver) and hands it to
// the unit's command line; a wrong name would leave the unit's process
// without the container's rootfs.
func checkStartWithoutDriver(t *testing.T, e *env) {
	if e.sb == nil {
		return // start makes a unit only under systemd
	}
	e = e.on(t)
	e.must("create", "--name", "nodrv", "--network", "none", "bb", "sleep", "600")
	t.Cleanup(func() { e.run("rm", "-f", "-t", "0", "nodrv") })
	nd := e.on(t)
	nd.noDriver = true
	nd.must("start", "nodrv")
	if got := e.field("nodrv", "{{.State.Status}}"); got != "running" {
		t.Errorf("the container is %s, want running", got)
	}
	unit := e.field("nodrv", "{{.Unit}}")
	// its cleanup's (a direct start's ExecStart= is the runtime's create)
	if argv := e.sb.Run(t, "systemctl", "show", "-p", "ExecStopPost", unit); !strings.Contains(argv, "--storage-driver overlay ") {
		t.Errorf("the unit's cleanup does not name the root's driver: %s", argv)
	}
}
