package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestBootExpandsSpecifiersInValues boots with sources whose values hold
// systemd specifiers: systemd expands them in the generated unit, so the
// container sees them expanded, exactly as with Quadlet (%h the manager's
// home, %i the instance, %% one percent sign).
func TestBootExpandsSpecifiersInValues(t *testing.T) {
	opts, host, sources := bootEnv(t)
	for name := range quadletFiles {
		if err := os.Remove(filepath.Join(sources, name)); err != nil {
			t.Fatal(err)
		}
	}
	home := filepath.Join(host.dir, "home")
	if err := os.MkdirAll(filepath.Join(home, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "data", "marker"), []byte("from-home-data\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"vals.container": "[Container]\nImage=\"bb\"\nContainerName=vals\nVolume=%h/data:/data\n" +
			"Exec=sh -c \"cat /data/marker; echo 100%%; exec sleep 600\"\nStopSignal=KILL\n",
		"inst@.container": "[Container]\nImage=bb\nContainerName=inst-%i\nEnvironment=I=%i\n" +
			"Exec=sh -c \"echo I=$$I; exec sleep 600\"\nStopSignal=KILL\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(sources, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts.Binds = append(opts.Binds, home+":/root")
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "vals.service", "inst@bar.service")
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	sb.Run(t, "systemctl", "start", "vals.service", "inst@bar.service")
	sb.WaitActive(t, "vals.service", "active", 30*time.Second)
	sb.WaitActive(t, "inst@bar.service", "active", 30*time.Second)
	journal := func(unit string) string {
		out, _, _, _ := sb.Exec("journalctl", "-u", unit, "-o", "cat", "--no-pager")
		return out
	}
	eventually(t, 10*time.Second, "vals to print its volume's file and 100%", func() bool {
		out := journal("vals.service")
		return strings.Contains(out, "from-home-data") && strings.Contains(out, "100%\n")
	})
	if out := journal("vals.service"); strings.Contains(out, "100%%") {
		t.Errorf("%%%% reached the container undoubled:\n%s", out)
	}
	eventually(t, 10*time.Second, "the instance to see I=bar", func() bool {
		return strings.Contains(journal("inst@bar.service"), "I=bar\n")
	})
	if got := e.must("exec", "inst-bar", "sh", "-c", "echo $I"); got != "bar\n" {
		t.Errorf("environment in inst-bar: %q", got)
	}
	if got := e.field("vals", "{{.ImageName}}"); got == "" || strings.Contains(got, "\"") {
		t.Errorf("Image=\"bb\" gave image %q", got)
	}
	sb.Run(t, "systemctl", "stop", "vals.service", "inst@bar.service")
}
