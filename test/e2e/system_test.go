package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSystemDfAndPrune(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("create", "--name", "a", "bb", "true")
	e.must("run", "--name", "r", "bb", "true")
	e.must("volume", "create", "free")
	e.must("volume", "create", "used")
	e.must("create", "--name", "user", "-v", "used:/u", "bb", "true")
	if out := e.must("system", "df"); !strings.HasPrefix(out, "TYPE") || !strings.Contains(out, "RECLAIMABLE") {
		t.Errorf("system df has not Podman's columns:\n%s", out)
	}
	got := e.must("system", "df", "--format", "{{.Type}} {{.Total}} {{.Active}}")
	if want := "Images 1 1\nContainers 3 0\nLocal Volumes 2 1\n"; got != want {
		t.Errorf("system df = %q, want %q", got, want)
	}
	out := e.must("system", "prune", "-f")
	if !strings.Contains(out, "Deleted Containers\n") || strings.Count(out, "\n") < 5 ||
		!strings.Contains(out, "Total reclaimed space:") {
		t.Errorf("system prune output:\n%s", out)
	}
	if got := e.must("ps", "-aq"); got != "" {
		t.Errorf("containers remain after prune: %q", got)
	}
	if got := e.must("volume", "ls", "-q"); got != "free\nused\n" {
		t.Errorf("prune without --volumes removed volumes: %q", got)
	}
	if got := e.must("images", "-q"); got == "" {
		t.Errorf("prune without -a removed a tagged image")
	}
	out = e.must("system", "prune", "-f", "-a", "--volumes")
	if !strings.Contains(out, "Deleted Volumes\n") || !strings.Contains(out, "Deleted Images\n") {
		t.Errorf("system prune -a --volumes output:\n%s", out)
	}
	if got := e.must("volume", "ls", "-q") + e.must("images", "-q"); got != "" {
		t.Errorf("prune -a --volumes left %q", got)
	}
}

func TestSystemResetOverALostState(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("create", "--name", "a", "bb", "true")
	e.must("pod", "create", "--name", "p")
	e.must("create", "--pod", "p", "--name", "member", "bb", "true")
	e.must("volume", "create", "v")
	e.runIn(strings.NewReader("pw"), "secret", "create", "s", "-")
	killedRun(t, e, "orphan")
	e.loseState(false)
	// no answer on stdin is an error, as Podman's EOF
	if r := e.run("system", "reset"); r.code != 125 || e.run("ps", "-a").code != 125 {
		t.Fatalf("reset without -f and without a yes must change nothing: exit %d, want 125", r.code)
	}
	e.must("system", "reset", "-f")
	for _, args := range [][]string{{"ps", "-aq"}, {"pod", "ps", "-q"}, {"volume", "ls", "-q"}, {"images", "-q"}, {"secret", "ls", "-q"}} {
		if got := e.must(args...); got != "" {
			t.Errorf("%v after reset: %q", args, got)
		}
	}
	checkClean(t, e)
	if ids := storageContainers(t, e); len(ids) != 0 {
		t.Errorf("storage containers remain: %v", ids)
	}
	if left := lockFiles(t, e); len(left) != 0 {
		t.Errorf("lock files remain: %v", left)
	}
	if left, _ := os.ReadDir(filepath.Join(e.dir, "root", "podunit", "volumes")); len(left) != 0 {
		t.Errorf("volume directories remain: %v", left)
	}
}

func TestPodPruneAndPruneSparesRunning(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("create", "--name", "a", "bb", "true")
	e.must("run", "--name", "r", "bb", "true")
	killedRun(t, e, "up")
	e.must("system", "prune", "-f")
	if got := e.must("ps", "-a", "--format", "{{.Names}}"); got != "up\n" {
		t.Errorf("prune left %q, want only the running container", got)
	}
	e.must("pod", "create", "--name", "p")
	pod := strings.TrimSpace(e.must("pod", "inspect", "--format", "{{.ID}}", "p"))
	if got := e.must("pod", "prune", "-f"); got != pod+"\n" {
		t.Errorf("pod prune printed %q, want %q", got, pod)
	}
}
