package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podunit/podunit/test/harness"
)

// generatorOptions boot a sandbox whose systemd runs podunit's generator
// (PODUNIT_BINARY in its Exec lines), to be given sources in the
// sandbox's own /run/podunit/systemd (installContainerFile).
func generatorOptions(t *testing.T) harness.Options {
	gens := filepath.Join(harness.TempDir(t), "generators")
	if err := os.MkdirAll(gens, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(harness.BuildCommand(t, "podunit-generator"), filepath.Join(gens, "podunit-system-generator")); err != nil {
		t.Fatal(err)
	}
	return harness.Options{Binds: []string{gens + ":/etc/systemd/system-generators"},
		Env: []string{"PODUNIT_BINARY=" + harness.BuildPodunit(t)}}
}

// installContainerFile writes NAME.container (text, with e's storage and
// runtime as GlobalArgs=) to /run/podunit/systemd in e's sandbox and
// reloads systemd, whose generator makes NAME.service of it.
func installContainerFile(e *env, name, text string) {
	text += "GlobalArgs=" + strings.Join(e.globals(), " ") + "\n"
	e.sh(fmt.Sprintf("mkdir -p /run/podunit/systemd && cat > /run/podunit/systemd/%s.container <<'EOF'\n%sEOF\nsystemctl daemon-reload", name, text))
	if got := e.sh("systemctl show -P SourcePath " + name + ".service"); got != "/run/podunit/systemd/"+name+".container\n" {
		e.t.Fatalf("the generator made no %s.service of %s.container: SourcePath %q", name, name, got)
	}
}

// checkNoRollback: with --rollback=false an update to a broken image (it
// exits at once) is "failed", exit 125, and each unit is left down on the
// broken image, not restarted on the one it ran before.
func checkNoRollback(t *testing.T, e *env, ref string) {
	e.sb.Run(t, "systemctl", "stop", "podunit-auto-update.timer", "podunit-auto-update.service") // no run of its own meanwhile
	v5 := autoUpdateApp(t, ref, "v5", appBroken)
	r := e.run("auto-update", "--rollback=false", "--format", "{{.ContainerName}} {{.Updated}}")
	if r.code != 125 || r.out != "cli failed\nhc failed\npm failed\nunitctr failed\n" || !strings.Contains(r.err, "Error: ") {
		t.Fatalf("auto-update --rollback=false of a broken image: exit %d\n%s%s", r.code, r.out, r.err)
	}
	for _, name := range []string{"cli", "hc", "pm"} {
		if got := e.field(name, "{{.Image}} {{.State.Status}}"); got != v5+" exited" {
			t.Errorf("%s after auto-update --rollback=false: %q, want exited on the broken image %s", name, got, v5)
		}
	}
	for _, unit := range []string{"podunit-cli.service", "podunit-hc.service", "podunit-pm.service", "unitctr.service"} {
		state := strings.TrimSpace(e.sh("systemctl is-active " + unit + " || true"))
		journal := e.sh("journalctl -u " + unit + " -o cat --no-pager")
		if last := lastAppLine(journal); state == "active" || last != "broken v5" {
			t.Errorf("%s after auto-update --rollback=false: %s, the app's last line %q, want not active, broken v5; journal:\n%s",
				unit, state, last, journal)
		}
	}
}

// lastAppLine is the test app's last line in a unit's journal: it says
// "started V" or "broken V" as it starts.
func lastAppLine(journal string) string {
	last := ""
	for _, l := range strings.Split(journal, "\n") {
		if strings.HasPrefix(l, "started v") || strings.HasPrefix(l, "broken v") {
			last = l
		}
	}
	return last
}
