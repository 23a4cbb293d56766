package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	units "github.com/docker/go-units"

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
		if out := e.must("pod", "top", "toppod"); !regexp.MustCompile(`(?m)^toppod-m\s+app\s+\d+`).MatchString(out) {
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

// shellLine is the podunit command line for a shell pipeline.
func (e *env) shellLine(args ...string) string {
	return strings.Join(append(append([]string{e.bin}, e.globals()...), args...), " ")
}

func checkCp(t *testing.T, e *env) {
	e = e.on(t)
	h := e.dir + "/cp"
	e.sh("mkdir -p " + h + "/d/sub && echo hostfile > " + h + "/f && echo deep > " + h + "/d/sub/x")
	e.must("create", "--name", "cpstopped", "-u", "app", "bb", "sleep", "600")
	e.running("cprunning", "--tmpfs", "/run/t", "bb", "sleep", "600")
	for _, ctr := range []string{"cpstopped", "cprunning"} {
		e.must("cp", h+"/f", ctr+":/tmp/")
		e.must("cp", h+"/d", ctr+":/tmp/newd")
		e.must("container", "cp", ctr+":/tmp/newd/.", h+"/"+ctr+"-contents")
		e.must("cp", ctr+":/tmp/f", h+"/"+ctr+"-back")
		if got := e.sh("cat " + h + "/" + ctr + "-back " + h + "/" + ctr + "-contents/sub/x"); got != "hostfile\ndeep\n" {
			t.Errorf("%s: round trip gave %q", ctr, got)
		}
		tarList := e.sh(e.shellLine("cp", ctr+":/etc/passwd", "-") + " | tar -t")
		if tarList != "passwd\n" {
			t.Errorf("%s: cp SRC - wrote a tar of %q", ctr, tarList)
		}
		e.sh("tar -C " + h + " -c d | " + e.shellLine("cp", "-", ctr+":/home"))
	}
	if got := e.must("diff", "cpstopped"); !strings.Contains(got, "A /tmp/newd/sub/x\n") || !strings.Contains(got, "A /home/d/sub/x\n") {
		t.Errorf("what cp put into the stopped container is not in its layer:\n%s", got)
	}
	checkCpOwners(t, e)
	if got := e.must("exec", "cprunning", "cat", "/tmp/newd/sub/x", "/home/d/sub/x"); got != "deep\ndeep\n" {
		t.Errorf("running container sees %q", got)
	}
	e.must("cp", h+"/f", "cprunning:/run/t/")
	if got := e.must("exec", "cprunning", "cat", "/run/t/f"); got != "hostfile\n" {
		t.Errorf("cp into a running container's tmpfs: %q", got)
	}
	before := e.sh("ls -R " + h)
	for _, args := range [][]string{{"cprunning:/nosuch", h + "/"}, {h + "/f", h + "/g"}, {"nosuch:/x", h + "/"},
		{h + "/nosuch", "cprunning:/tmp/"}, {"cprunning:/tmp/f", h + "/nodir/"}, {h + "/d", "cprunning:/tmp/f"}} {
		if r := e.run(append([]string{"cp"}, args...)...); r.code != 125 || !strings.HasPrefix(r.err, "Error: ") {
			t.Errorf("cp %s: exit %d, %q", strings.Join(args, " "), r.code, r.err)
		}
	}
	if after := e.sh("ls -R " + h); after != before {
		t.Errorf("a failed cp changed the host:\n%s\n%s", before, after)
	}
}

// checkCpOwners: what cp puts into a container belongs to its user
// (Podman's --archive), or keeps the host's owner with --archive=false.
func checkCpOwners(t *testing.T, e *env) {
	h := e.dir + "/cp"
	e.sh("chown 4242:4343 " + h + "/f")
	e.must("cp", h+"/f", "cpstopped:/tmp/owned")
	e.must("cp", "--archive=false", h+"/f", "cpstopped:/tmp/kept")
	e.must("cp", h+"/f", "cprunning:/tmp/rootowned")
	mp := strings.TrimSpace(e.must("mount", "cpstopped"))
	defer e.must("unmount", "cpstopped")
	got := e.sh("stat -c '%u:%g' " + mp + "/tmp/owned " + mp + "/tmp/kept")
	if got != "1000:1000\n4242:4343\n" {
		t.Errorf("owners in a container run as app: %q", got)
	}
	if got := e.must("exec", "cprunning", "sh", "-c", "stat -c %u:%g /tmp/rootowned"); got != "0:0\n" {
		t.Errorf("owner in a container run as root: %q", got)
	}
}

func checkPause(t *testing.T, e *env) {
	e = e.on(t)
	e.running("ticker", "bb", "sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.2; done")
	pid := e.field("ticker", "{{.State.Pid}}")
	count := func() string { return e.sh("cat /proc/" + pid + "/root/tmp/n") }
	if got := e.must("pause", "ticker"); got != "ticker\n" {
		t.Errorf("pause printed %q", got)
	}
	if e.sb != nil {
		unit := e.field("ticker", "{{.Unit}}")
		t.Logf("%s FreezerState=%s", unit, strings.TrimSpace(e.sb.Run(t, "systemctl", "show", "-P", "FreezerState", unit)))
	}
	first := count()
	time.Sleep(1500 * time.Millisecond)
	if again := count(); again != first {
		t.Errorf("a paused container still runs: %s then %s", first, again)
	}
	if got := e.field("ticker", "{{.State.Status}} {{.State.Paused}} {{.State.Running}}"); got != "paused true true" {
		t.Errorf("inspect of a paused container: %q", got)
	}
	if got := e.must("ps", "--filter", "name=^ticker$", "--format", "{{.Status}}"); got != "Paused\n" {
		t.Errorf("ps STATUS of a paused container: %q, want Paused", got)
	}
	if r := e.run("pause", "ticker"); r.code != 125 || !strings.Contains(r.err, "already paused") {
		t.Errorf("pause of a paused container: exit %d, %q", r.code, r.err)
	}
	e.must("container", "unpause", "ticker")
	eventually(t, 5*time.Second, "the counter to move after unpause", func() bool { return count() != first })
	if r := e.run("unpause", "ticker"); r.code != 125 || !strings.Contains(r.err, "not paused") {
		t.Errorf("unpause of a running container: exit %d, %q", r.code, r.err)
	}
	e.must("pause", "--all")
	start := time.Now()
	e.must("stop", "-t", "1", "ticker")
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("stop of a paused container took %s", d)
	}
	if got := e.field("ticker", "{{.State.Status}}"); got != "exited" {
		t.Errorf("after stop of a paused container: %s", got)
	}
	if r := e.run("pause", "ticker"); r.code != 125 {
		t.Errorf("pause of an exited container: exit %d", r.code)
	}
}

func checkStats(t *testing.T, e *env) {
	e = e.on(t)
	e.running("busy", "--tmpfs", "/t", "bb", "sh", "-c",
		"head -c 30000000 /dev/zero > /t/big; sleep 600 & sleep 600 & i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; touch /t/ready; wait")
	e.must("create", "--name", "idle", "bb", "true")
	ready := "/proc/" + e.field("busy", "{{.State.Pid}}") + "/root/t/ready"
	eventually(t, 30*time.Second, "busy to finish its loop", func() bool {
		return e.sh("test -e "+ready+" && echo yes || true") == "yes\n"
	})
	out := e.must("stats", "--no-stream")
	want := []string{"ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET IO", "BLOCK IO", "PIDS", "CPU TIME", "AVG CPU %"}
	if got := columns(out); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("stats columns %q, want Podman's %q\n%s", got, want, out)
	}
	if strings.Contains(out, "idle") || !strings.Contains(out, "busy") {
		t.Errorf("stats without -a lists running containers only:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^\w{12}\s+idle\s+--\s+-- / --`).MatchString(e.must("container", "stats", "-a", "--no-stream")) {
		t.Errorf("stats -a shows a created container with -- values")
	}
	var rows []map[string]string
	if err := json.Unmarshal([]byte(e.must("stats", "--no-stream", "--format", "json", "busy")), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("stats --format json: %v %v", err, rows)
	}
	var keys []string
	for k := range rows[0] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if got := strings.Join(keys, " "); got != "avg_cpu block_io cpu_percent cpu_time id mem_percent mem_usage name net_io pids" {
		t.Errorf("stats JSON keys: %s", got)
	}
	got := e.must("stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}} {{.CPUNano}} {{.MemUsage}}", "busy")
	f := strings.Fields(got)
	if len(f) < 4 || f[0] != "busy" || f[1] != "3" || f[2] == "0" {
		t.Fatalf("stats of busy: %q, want 3 PIDs and CPU time", got)
	}
	if mem, _ := units.FromHumanSize(f[3]); mem < 30e6 || mem > 200e6 {
		t.Errorf("busy holds 30MB in tmpfs; stats says %s", f[3])
	}
	checkStatsStream(t, e)
	if r := e.run("stats", "--no-stream", "nosuch"); r.code != 125 {
		t.Errorf("stats of a missing container: exit %d", r.code)
	}
	if e.sb != nil { // a pod's memory limit is its slice's, and binds its members
		e.must("pod", "create", "--name", "statpod", "--memory", "64m")
		t.Cleanup(func() { e.run("pod", "rm", "-f", "-t", "0", "statpod") })
		e.must("run", "-d", "--pod", "statpod", "--name", "statm", "bb", "sleep", "600")
		if got := e.must("stats", "--no-stream", "--format", "{{.MemLimit}}", "statm"); got != "67108864\n" {
			t.Errorf("stats MemLimit of a member of a 64m pod: %q", got)
		}
	}
}

func checkCommit(t *testing.T, e *env) {
	e = e.on(t)
	e.must("run", "--name", "tocommit", "-e", "FROM_CTR=1", "bb", "sh", "-c", "echo committed > /c; rm /etc/group")
	id := strings.TrimSpace(e.must("commit", "-m", "first", "-a", "tester", "-c", `CMD ["cat", "/c"]`, "-c", "LABEL stage=one",
		"tocommit", "committed"))
	if len(id) != 64 {
		t.Fatalf("commit printed %q, want the image ID", id)
	}
	if got := e.must("run", "--rm", "committed"); got != "committed\n" {
		t.Errorf("the committed image's CMD printed %q", got)
	}
	if got := e.must("run", "--rm", "committed", "sh", "-c", `test -e /etc/group || echo "gone $FROM_CTR"`); got != "gone 1\n" {
		t.Errorf("the committed image lost the container's deletion or environment: %q", got)
	}
	base := e.must("image", "inspect", "--format", "{{len .RootFS.Layers}}", "bb")
	got := e.must("image", "inspect", "--format", "{{len .RootFS.Layers}} {{.Config.Labels.stage}} {{.ID}}", "committed")
	if want := fmt.Sprintf("%d one %s\n", atoi(t, base)+1, id); got != want {
		t.Errorf("committed image: %q, want %q", got, want)
	}
	e.running("livecommit", "bb", "sh", "-c", "echo live > /live; exec sleep 600")
	e.must("container", "commit", "--pause", "livecommit", "committed")
	if got := e.must("run", "--rm", "committed", "cat", "/live"); got != "live\n" {
		t.Errorf("commit of a running container: %q", got)
	}
	if got := e.field("livecommit", "{{.State.Status}}"); got != "running" {
		t.Errorf("after commit --pause the container is %s", got)
	}
	if n := strings.Count(e.must("images", "--format", "{{.Repository}}"), "localhost/committed"); n != 1 {
		t.Errorf("a second commit to the same name: %d images carry it", n)
	}
	archive := e.dir + "/committed.tar"
	e.must("save", "-o", archive, "committed")
	e.must("rmi", "committed")
	e.must("load", "-i", archive)
	if got := e.must("run", "--rm", "committed", "cat", "/live"); got != "live\n" {
		t.Errorf("committed image after save and load: %q", got)
	}
	for _, args := range [][]string{{"commit", "nosuch", "x"}, {"commit", "-c", "EXPOSE 80", "livecommit", "y"}, {"commit", "livecommit", "Bad:Name:x"}} {
		if r := e.run(args...); r.code != 125 {
			t.Errorf("%s: exit %d", strings.Join(args, " "), r.code)
		}
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// podmanContainerGroup are the verbs of Podman's `podman container` group
// (podman-container(1)).
var podmanContainerGroup = []string{"attach", "checkpoint", "cleanup", "clone", "commit", "cp", "create", "diff",
	"exec", "exists", "export", "init", "inspect", "kill", "list", "logs", "mount", "pause", "port", "prune", "ps",
	"rename", "restart", "restore", "rm", "run", "runlabel", "start", "stats", "stop", "top", "unmount", "unpause",
	"update", "wait"}

// TestContainerGroupHasEveryContainerVerb: each of Podman's container verbs
// that podunit has at the top level is also under `container`, with the
// same flags.
func TestContainerGroupHasEveryContainerVerb(t *testing.T) {
	bin := harness.BuildPodunit(t)
	help := func(args ...string) string {
		out, err := exec.Command(bin, append(args, "--help")...).CombinedOutput()
		if err != nil {
			t.Fatalf("podunit %s --help: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	top, group := commandNames(help()), commandNames(help("container"))
	for _, verb := range podmanContainerGroup {
		if top[verb] && !group[verb] {
			t.Errorf("podunit %s exists but podunit container %s does not", verb, verb)
		}
		if top[verb] && group[verb] && flagNames(help(verb)) != flagNames(help("container", verb)) {
			t.Errorf("podunit %s and podunit container %s differ in flags", verb, verb)
		}
	}
	for _, verb := range []string{"top", "cp", "diff", "export", "mount", "unmount", "pause", "unpause", "rename", "commit", "stats", "prune", "port", "list"} {
		if !group[verb] {
			t.Errorf("podunit container %s is missing", verb)
		}
	}
	if !strings.Contains(help("container", "ls"), "container list") || !strings.Contains(help("container", "umount"), "unmount") {
		t.Errorf("container ls and container umount are not aliases")
	}
}

// commandNames reads the "Available Commands:" section of a help text.
func commandNames(help string) map[string]bool {
	names := map[string]bool{}
	_, rest, _ := strings.Cut(help, "Available Commands:\n")
	for _, line := range strings.Split(rest, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !strings.HasPrefix(line, "  ") {
			break
		}
		names[f[0]] = true
	}
	return names
}

// flagNames lists the long flags of a help text's "Flags:" section.
func flagNames(help string) string {
	_, rest, _ := strings.Cut(help, "\nFlags:\n")
	rest, _, _ = strings.Cut(rest, "\nGlobal Flags:")
	return strings.Join(regexp.MustCompile(`--[a-z-]+`).FindAllString(rest, -1), " ")
}

func checkContainerPrune(t *testing.T, e *env) {
	e = e.on(t)
	for _, c := range strings.Fields(e.must("ps", "-aq")) { // what earlier checks left
		e.must("rm", "-f", "-t", "0", c)
	}
	e.must("run", "--name", "pr-exited", "bb", "true")
	created := strings.TrimSpace(e.must("create", "--name", "pr-created", "bb", "true"))
	e.running("pr-running", "bb", "sleep", "600")
	out := e.must("container", "prune", "-f")
	if !strings.Contains(out, created) || len(strings.Fields(out)) != 2 {
		t.Errorf("container prune printed %q, want the exited and the created container's IDs", out)
	}
	if got := strings.Fields(e.must("ps", "-a", "--format", "{{.Names}}")); strings.Join(got, " ") != "pr-running" {
		t.Errorf("after prune: %v", got)
	}
}

// checkStatsStream: without --no-stream, stats prints a sample every
// interval until it is stopped. On the host only: a context's kill does not
// reach through the sandbox's entry into it.
func checkStatsStream(t *testing.T, e *env) {
	if e.sb != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	cmd := e.command(ctx, "stats", "--interval", "1", "--format", "json", "busy")
	cmd.WaitDelay = time.Second
	out, _ := cmd.Output()
	if n := strings.Count(string(out), `"name": "busy"`); n < 2 {
		t.Errorf("stats --interval 1 printed %d samples in 2.5s:\n%s", n, out)
	}
}
