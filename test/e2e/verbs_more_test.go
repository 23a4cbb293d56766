package e2e

// The everyday verbs that move data: cp, commit, stats; and pause, the
// container group and container prune (see verbs_test.go).

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
	for _, args := range [][]string{{"commit", "nosuch", "x"}, {"commit", "-c", "RUN true", "livecommit", "y"}, {"commit", "-c", "EXPOSE 80/bogus", "livecommit", "y"}, {"commit", "livecommit", "Bad:Name:x"}} {
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
	t.Parallel()
	help := helpOf(t)
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

// podmanImageGroup maps the verbs of Podman's `podman image` group
// (podman-image(1)) to their top-level forms.
var podmanImageGroup = map[string]string{"build": "build", "exists": "", "history": "history", "import": "import",
	"list": "images", "load": "load", "prune": "", "pull": "pull", "push": "push", "rm": "rmi", "save": "save",
	"search": "search", "tag": "tag", "tree": "", "untag": "untag"}

// TestImageGroupHasEveryImageVerb: each of Podman's image verbs that
// podunit has at the top level is also under `image`, and the verbs Podman
// has only there (exists, prune, tree) are too.
func TestImageGroupHasEveryImageVerb(t *testing.T) {
	t.Parallel()
	help := helpOf(t)
	top, group := commandNames(help()), commandNames(help("image"))
	for verb, topVerb := range podmanImageGroup {
		if (topVerb == "" || top[topVerb]) && !group[verb] {
			t.Errorf("podunit image %s is missing (podunit %s exists)", verb, topVerb)
		}
	}
	if !commandNames(help("system"))["info"] {
		t.Error("podunit system info is missing")
	}
}

// helpOf returns a function that prints podunit ARGS --help.
func helpOf(t *testing.T) func(args ...string) string {
	bin := harness.BuildPodunit(t)
	return func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, append(args, "--help")...).CombinedOutput()
		if err != nil {
			t.Fatalf("podunit %s --help: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
}
