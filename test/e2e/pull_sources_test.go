package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/testimage"
)

// shellLine is podunit with e's globals and args as one sh -c line, with
// the registry configuration of r.
func shellLine(e *env, r registrySetup, args ...string) string {
	words := append([]string{"CONTAINERS_REGISTRIES_CONF=" + r.conf, e.bin}, e.globals()...)
	return strings.Join(append(words, args...), " ")
}

// checkPullProgress pulls on a terminal of 150x40 (tmux): a bar per blob,
// ending "done"; and on a pty without a size (script(1) with no terminal of
// its own), where bars cannot be drawn: plain lines, as without a terminal.
func checkPullProgress(t *testing.T, e *env, r registrySetup, ref string) {
	e = e.on(t)
	pull := shellLine(e, r, "pull", "--policy", "always", "--signature-policy", r.accept, ref)
	session := fmt.Sprintf("podunit-pull-%d", os.Getpid())
	done := filepath.Join(e.dir, "pulled")
	if out, err := exec.Command("tmux", "new-session", "-d", "-s", session, "-x", "150", "-y", "40",
		pull+"; touch "+done+"; sleep 60").CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v: %s", err, out)
	}
	defer exec.Command("tmux", "kill-session", "-t", session).Run()
	var pane []byte
	eventually(t, time.Minute, "the pull on the terminal", func() bool {
		pane, _ = exec.Command("tmux", "capture-pane", "-p", "-t", session).CombinedOutput()
		_, err := os.Stat(done)
		return err == nil && strings.Contains(string(pane), "Writing manifest")
	})
	if !regexp.MustCompile(`(?m)^Copying blob [0-9a-f]{12} (done|skipped: already exists)`).Match(pane) ||
		!regexp.MustCompile(`(?m)^Copying config [0-9a-f]{10} done`).Match(pane) {
		t.Errorf("no progress bars on a terminal:\n%s", pane)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "script", "-qefc", pull, "/dev/null").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Copying blob sha256:") {
		t.Errorf("pull on a pty without a size: %v, no plain progress lines:\n%q", err, out)
	}
}

// checkPullTransports pulls from each local transport what push or save
// wrote there, and from docker://.
func checkPullTransports(t *testing.T, e *env, r registrySetup) {
	e = e.on(t)
	e.image()
	id := strings.TrimSpace(e.must("image", "inspect", "--format", "{{.ID}}", "bb"))
	sources := map[string]string{ // source → the name it comes back under ("" by ID)
		"docker-archive:" + filepath.Join(e.dir, "d.tar"): "localhost/bb:latest",
		"oci-archive:" + filepath.Join(e.dir, "o.tar"):    "localhost/bb:latest",
		"oci:" + filepath.Join(e.dir, "layout") + ":lay":  "localhost/lay:latest",
		"dir:" + filepath.Join(e.dir, "dir"):              "",
	}
	e.must("save", "--format", "docker-archive", "-o", filepath.Join(e.dir, "d.tar"), "bb")
	e.must("save", "--format", "oci-archive", "-o", filepath.Join(e.dir, "o.tar"), "bb")
	e.must("push", "-q", "bb", "oci:"+filepath.Join(e.dir, "layout")+":lay")
	e.must("push", "-q", "bb", "dir:"+filepath.Join(e.dir, "dir"))
	for src, name := range sources {
		e.must("rmi", "-f", id)
		if out := e.must("pull", "-q", src); strings.TrimSpace(out) != id {
			t.Errorf("pull %s printed %q, want %s", src, out, id)
		}
		got := e.must("images", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}")
		want := id + " " + name
		if name == "" {
			want = id + " <none>:<none>"
		}
		if !slices.Contains(strings.Split(got, "\n"), want) {
			t.Errorf("after pull %s, images lists\n%s\nwant the line %s", src, got, want)
		}
	}
	ref := r.host + "/podunit/viadocker:1"
	want := testimage.PushImage(t, ref, testimage.Config{})
	if res := r.mustReg(e, "pull", "-q", "--signature-policy", r.accept, "docker://"+ref); strings.TrimSpace(res.out) != want {
		t.Errorf("pull docker://%s printed %q, want %s", ref, res.out, want)
	}
	res := e.run("pull", "dir:"+filepath.Join(e.dir, "nothere"))
	if res.code != 125 || !strings.Contains(res.err, "nothere") {
		t.Errorf("pull from a missing dir: exit %d, stderr %q", res.code, res.err)
	}
}
