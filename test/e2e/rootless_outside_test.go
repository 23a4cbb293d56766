package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podunit/podunit/internal/syncbuf"
	"github.com/podunit/podunit/test/harness"
)

// The rootless read verbs (ps, inspect) run as the user on the host, in no
// user namespace: these checks hide newuidmap, without which no namespace
// can be made, so a verb that still made one fails naming it.

// checkRootlessReadsOutside (on the host): ps and inspect, pod ps and
// inspect, volume ls and inspect and the three exists answer without a
// namespace, as they would in one; what needs containers/storage (ps
// --size, an image, a record without its rootfs's graph) runs again in a
// namespace, having printed nothing, and answers once one can be made.
func checkRootlessReadsOutside(t *testing.T, u *rootlessUser) {
	u.must("create", "--name", "ro", "bb", "true")
	u.must("pod", "create", "--name", "rp")
	u.must("volume", "create", "rv")
	graph := u.field("ro", "{{.GraphDriver.Name}} {{.GraphDriver.Data.UpperDir}}")
	root := filepath.Join(u.home, ".local/share/containers/storage")
	if f := strings.Fields(graph); len(f) != 2 || f[0] != "overlay" || !strings.HasPrefix(f[1], root+"/overlay/") {
		t.Fatalf("inspect ro: graph %q, want overlay under %s", graph, root)
	}
	u.hide = "/usr/bin/newuidmap"
	defer func() { u.hide = "" }()
	if out := u.must("ps", "-a", "--format", "{{.Names}} {{.State}}"); out != "ro created\n" {
		t.Errorf("ps -a outside a user namespace: %q", out)
	}
	if got := u.field("ro", "{{.State.Status}} {{.GraphDriver.Name}} {{.GraphDriver.Data.UpperDir}}"); got != "created "+graph {
		t.Errorf("inspect outside a user namespace: %q, want created %s", got, graph)
	}
	for _, c := range []struct{ args, want string }{
		{"pod ps --format {{.Name}}", "rp\n"}, {"pod inspect --format {{.Name}} rp", "rp\n"},
		{"volume ls -q", "rv\n"}, {"volume inspect --format {{.Name}} rv", "rv\n"},
		{"container exists ro", ""}, {"pod exists rp", ""}, {"volume exists rv", ""},
	} {
		if out := u.must(strings.Fields(c.args)...); out != c.want {
			t.Errorf("%s outside a user namespace: %q, want %q", c.args, out, c.want)
		}
	}
	for _, args := range []string{"container exists nosuch", "pod exists nosuch", "volume exists nosuch"} {
		if r := u.run(nil, strings.Fields(args)...); r.code != 1 || r.out+r.err != "" {
			t.Errorf("%s outside a user namespace: exit %d, %q %q; want 1 and nothing said", args, r.code, r.out, r.err)
		}
	}
	for _, args := range [][]string{{"ps", "-a", "--size"}, {"inspect", "--type", "image", "bb"}, {"inspect", "ro", "bb"},
		{"image", "exists", "bb"}} {
		r := u.run(nil, args...)
		if r.code != 125 || r.out != "" || !strings.Contains(r.err, "newuidmap not found") {
			t.Errorf("%s without newuidmap: exit %d, stdout %q, stderr %q; want 125, nothing printed, newuidmap named",
				args, r.code, r.out, r.err)
		}
	}
	db := filepath.Join(root, "podunit", "state.db")
	sql := u.commandOf(context.Background(), nil, "sqlite3", db, `UPDATE containers SET graph = '' WHERE name = 'ro'`)
	if out, err := sql.CombinedOutput(); err != nil {
		t.Fatalf("sqlite3 as %s: %v\n%s", u.name, err, out)
	}
	if r := u.run(nil, "inspect", "ro"); r.code != 125 || !strings.Contains(r.err, "newuidmap not found") {
		t.Errorf("inspect of a record without its graph, no newuidmap: exit %d, %q; want storage asked in a namespace", r.code, r.err)
	}
	u.hide = ""
	if got := u.field("ro", "{{.GraphDriver.Name}} {{.GraphDriver.Data.UpperDir}}"); got != graph {
		t.Errorf("inspect of a record without its graph: %q, want storage's %q", got, graph)
	}
	if out := u.must("ps", "-a", "--size", "--format", "{{.Names}} {{.Size}}"); !strings.HasPrefix(out, "ro ") || !strings.Contains(out, "virtual") {
		t.Errorf("ps --size: %q", out)
	}
	u.must("rm", "ro")
	u.must("pod", "rm", "rp")
	u.must("volume", "rm", "rv")
}

// checkRootlessReadsRunning (on the host): a running container's
// namespaces, which a podunit in a user namespace of its own could not
// read (a sibling's), are shown outside; its end is recorded by a ps
// outside too, and the namespace's verbs go on from that record.
func checkRootlessReadsRunning(t *testing.T, u *rootlessUser) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out syncbuf.Buffer
	cmd := u.command(ctx, nil, "run", "--rm", "--name", "rr", "--health-cmd", "test -e /proc/1", "bb", "sh", "-c",
		"echo up; exec sleep 60")
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	eventually(t, 20*time.Second, "the container to print up", func() bool { return strings.Contains(out.String(), "up\n") })
	pid := u.field("rr", "{{.State.Pid}}")
	var want []string
	for _, ns := range []string{"net", "user", "mnt"} {
		link, err := os.Readlink("/proc/" + pid + "/ns/" + ns)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, strings.TrimSuffix(strings.TrimPrefix(link, ns+":["), "]"))
	}
	u.hide = "/usr/bin/newuidmap"
	defer func() { u.hide = "" }()
	got := u.must("ps", "--ns", "--format", "{{.Names}} {{.State}} {{.Namespaces.NET}} {{.Namespaces.User}} {{.Namespaces.MNT}}")
	if w := "rr running " + strings.Join(want, " ") + "\n"; got != w {
		t.Errorf("ps --ns outside a user namespace: %q, want %q", got, w)
	}
	u.hide = ""
	checkRootlessJoinsOutside(t, u, "rr")
	u.hide = "/usr/bin/newuidmap"
	// the podunit in the namespace killed, then the container's init by a
	// kill outside (kill of two containers goes inside, and fails here): a
	// ps outside finds the init gone and no run left to record its end,
	// and records it; rm, in a namespace, goes on from that record
	inner := harness.Children(cmd.Process.Pid)
	if len(inner) != 1 {
		t.Fatalf("the rootless podunit %d has children %v, want the one in the namespace", cmd.Process.Pid, inner)
	}
	if err := syscall.Kill(inner[0], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if r := u.run(nil, "kill", "rr", "rr"); r.code != 125 || !strings.Contains(r.err, "newuidmap not found") {
		t.Errorf("kill of two containers without newuidmap: exit %d, %q; want it sent inside", r.code, r.err)
	}
	if out := u.must("kill", "rr"); out != "rr\n" {
		t.Errorf("kill rr outside a user namespace: %q", out)
	}
	_ = cmd.Wait()
	if out := u.must("wait", "rr"); out != "-1\n" { // no run left to say how it ended
		t.Errorf("wait rr outside a user namespace: %q, want -1", out)
	}
	eventually(t, 10*time.Second, "ps outside to record the end", func() bool {
		return u.must("ps", "-a", "--format", "{{.Names}} {{.State}}") == "rr exited\n"
	})
	u.hide = ""
	u.must("rm", "rr")
	if out := u.must("ps", "-aq"); out != "" {
		t.Errorf("after rm: %q", out)
	}
}

// checkRootlessJoinsOutside: exec, top and healthcheck run in the running
// container ctr begin outside any user namespace and join the container's at once
// (nsenter, unshare, podunit), making none of their own first: traced by
// strace, under which newuidmap and newgidmap lose their set-uid bit and
// fail, they work, and none of the two runs.
func checkRootlessJoinsOutside(t *testing.T, u *rootlessUser, ctr string) {
	for _, c := range []struct {
		args []string
		want string
	}{{[]string{"exec", ctr, "echo", "in-" + ctr}, "in-" + ctr + "\n"}, {[]string{"top", ctr, "pid", "comm"}, "sleep"},
		{[]string{"healthcheck", "run", ctr}, ""}} {
		trace := filepath.Join(u.runtime, "join.trace")
		traced := append([]string{"-f", "-qq", "-e", "trace=execve", "-o", trace, u.bin}, c.args...)
		out, err := u.commandOf(context.Background(), nil, "strace", traced...).Output()
		if err != nil || !strings.Contains(string(out), c.want) {
			t.Errorf("%s traced: %v, %q; want %q", c.args, err, out, c.want)
		}
		data, err := os.ReadFile(trace)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(data), "newuidmap") + strings.Count(string(data), "newgidmap"); n != 0 ||
			!strings.Contains(string(data), "nsenter") {
			t.Errorf("%s: %d runs of newuidmap/newgidmap, want none and nsenter:\n%s", c.args, n, data)
		}
	}
	if got := u.field(ctr, "{{.State.Health.Status}}"); got != "healthy" {
		t.Errorf("after healthcheck run: %q, want healthy", got)
	}
}
