package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podunit/podunit/test/harness"
	"github.com/podunit/podunit/test/testimage"
)

// TestHotPathBinary: bin/podunit (the hot path) runs its verbs alone and
// hands every other command line, and a run that must pull, unchanged to
// podunit-full beside it; without podunit-full those fail with exit 125
// naming where it was looked for, and change nothing. The units and
// unit files podunit-full writes run the hot-path binary.
func TestHotPathBinary(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image() // image import: podunit-full
	r := newRegistrySetup(t, e.dir)
	ref := r.host + "/podunit/hot:1"
	testimage.PushImage(t, ref, testimage.Config{Cmd: []string{"echo", "pulled"}})
	// an image of a schema 1 manifest: its configuration is containers/image's
	// to read, which only podunit-full links (image.Store.readImage)
	old := r.host + "/podunit/old:1"
	testimage.PushSchema1(t, old, testimage.Config{Cmd: []string{"echo", "schema 1"}})
	r.mustReg(e, "pull", "-q", old)

	lone := e.on(t) // the hot binary alone in its folder
	lone.bin = filepath.Join(harness.TempDir(t), "podunit")
	b, err := os.ReadFile(e.bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lone.bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if out := lone.must("run", "--rm", "bb", "echo", "hot"); out != "hot\n" {
		t.Errorf("the hot binary alone: run --rm printed %q", out)
	}
	lone.must("create", "--name", "c1", "bb", "true")
	if got := lone.must("ps", "-a", "--format", "{{.Names}}"); got != "c1\n" {
		t.Errorf("the hot binary alone: ps -a: %q", got)
	}
	for _, args := range [][]string{{"--version"}, {"images"}, {"run", "--rm", "--name", "c2", ref}} {
		res := r.runReg(lone, args...)
		if res.code != 125 || !strings.Contains(res.err, "needs podunit-full") ||
			!strings.Contains(res.err, filepath.Join(filepath.Dir(lone.bin), "podunit-full")) {
			t.Errorf("the hot binary alone: %q: exit %d, want 125 naming podunit-full\n%s", args, res.code, res.err)
		}
	}
	if res := lone.run("run", "--rm", "--name", "c3", old); res.code != 125 || !strings.Contains(res.err, "needs podunit-full") {
		t.Errorf("the hot binary alone: run of a schema 1 image: exit %d, want 125 naming podunit-full\n%s", res.code, res.err)
	}
	if got := lone.must("ps", "-a", "--format", "{{.Names}}"); got != "c1\n" {
		t.Errorf("the refused runs left something: ps -a: %q", got)
	}

	// With podunit-full beside it, the same lines work.
	if out := e.must("--version"); !strings.HasPrefix(out, "podunit version ") {
		t.Errorf("--version: %q", out)
	}
	if out := r.mustReg(e, "run", "--rm", "--name", "c2", ref).out; out != "pulled\n" {
		t.Errorf("a run that pulls: %q, want the pulled image's output", out)
	}
	if out := e.must("run", "--rm", "--name", "c3", old); out != "schema 1\n" {
		t.Errorf("a run of a schema 1 image (again in podunit-full): %q", out)
	}
	if out := e.must("image", "inspect", "--format", "{{.ManifestType}} {{.Config.Cmd}}", old); out != "application/vnd.docker.distribution.manifest.v1+json [echo schema 1]\n" {
		t.Errorf("image inspect of a schema 1 image: %q", out)
	}
	if out := e.must("images", "--format", "{{.Repository}}"); !strings.Contains(out, "podunit/hot") {
		t.Errorf("images after the run's pull: %q", out)
	}
	unit := e.must("generate", "systemd", "c1")
	if !strings.Contains(unit, "ExecStart="+e.bin+" ") || strings.Contains(unit, "podunit-full") {
		t.Errorf("generate systemd (run by podunit-full) must write the hot binary %s:\n%s", e.bin, unit)
	}
}
