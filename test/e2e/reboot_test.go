package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestHardReboot kills the harness's systemd with containers and a pod
// running, as a power cut would, and boots again: podunit's state must say
// what the machine says (stopped, or running again where the restart policy
// and podunit-restart.service say so), every object must start and be
// removed again, and nothing of the old boot may be left.
func TestHardReboot(t *testing.T) {
	t.Parallel()
	units := harness.TempDir(t)
	sb := harness.Boot(t, harness.Options{Binds: []string{units + ":/etc/systemd/system"}})
	e := newEnv(t, sb, "crun")
	e.runRoot = "/run/podunit-hard-reboot" // the sandbox's own /run: a reboot wipes it
	installRestartUnit(t, e, units)
	e.image()
	e.must("run", "-d", "--name", "plain", "bb", "sleep", "600")
	e.must("run", "-d", "--name", "always", "--restart", "always", "bb", "sleep", "600")
	e.must("create", "--name", "made", "bb", "true")
	e.must("pod", "create", "--name", "p")
	e.must("create", "--pod", "p", "--name", "p-m", "bb", "sleep", "600")
	e.must("pod", "start", "p")

	sb.Crash(t)

	sb.WaitActive(t, "podunit-restart.service", "active", 30*time.Second)
	want := map[string]string{"plain": "exited", "always": "running", "made": "created", "p-m": "exited"}
	got := e.must("ps", "-a", "--format", "{{.Names}} {{.State}}")
	for name, state := range want {
		if !strings.Contains(got, name+" "+state+"\n") {
			t.Errorf("after a hard reboot %s is not %s:\n%s", name, state, got)
		}
	}
	if out := e.must("pod", "ps", "--format", "{{.Name}} {{.Status}}"); !strings.Contains(out, "p Exited") && !strings.Contains(out, "p Stopped") {
		t.Errorf("after a hard reboot the pod is not stopped: %q", out)
	}
	if r := e.run("system", "check"); r.code != 0 {
		t.Errorf("system check right after the hard reboot: exit %d\n%s%s", r.code, r.out, r.err)
	}
	e.must("start", "plain")
	e.must("pod", "start", "p")
	for _, n := range []string{"plain", "always", "p-m"} {
		if st := e.field(n, "{{.State.Status}}"); st != "running" {
			t.Errorf("%s after start: %s", n, st)
		}
	}
	e.must("pod", "rm", "-f", "-t", "0", "p")
	for _, n := range []string{"plain", "always", "made"} {
		e.must("rm", "-f", "-t", "0", n)
	}
	census(t, e, "after the hard reboot and rm -f of everything")
}

// installRestartUnit installs units/podunit-restart.service for e's podunit
// (its binary and roots) in units, which the sandbox has as
// /etc/systemd/system, and enables it.
func installRestartUnit(t *testing.T, e *env, units string) {
	t.Helper()
	// go test runs in test/e2e
	src, err := os.ReadFile(filepath.Join("..", "..", "units", "podunit-restart.service"))
	if err != nil {
		t.Fatal(err)
	}
	unit := strings.Replace(string(src), "ExecStart=/usr/bin/podunit ",
		fmt.Sprintf("Environment=CONTAINERS_REGISTRIES_CONF=%s/registries.conf CONTAINERS_CONF=%s/containers.conf\nExecStart=%s %s ",
			e.dir, e.dir, e.bin, strings.Join(e.globals(), " ")), 1)
	if unit == string(src) {
		t.Fatal("podunit-restart.service has no ExecStart=/usr/bin/podunit line")
	}
	wants := filepath.Join(units, "multi-user.target.wants")
	if err := os.MkdirAll(wants, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(units, "podunit-restart.service"), []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../podunit-restart.service", filepath.Join(wants, "podunit-restart.service")); err != nil {
		t.Fatal(err)
	}
	e.sb.Run(t, "systemctl", "daemon-reload")
}
