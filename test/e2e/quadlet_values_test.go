package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// replaceSources puts files in the sources directory instead of the
// default quadletFiles.
func replaceSources(t *testing.T, sources string, files map[string]string) {
	t.Helper()
	for name := range quadletFiles {
		if err := os.Remove(filepath.Join(sources, name)); err != nil {
			t.Fatal(err)
		}
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(sources, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBootExpandsSpecifiersInValues boots with sources whose values hold
// systemd specifiers: systemd expands them in the generated unit, so the
// container sees them expanded, exactly as with Quadlet (%h the manager's
// home, %i the instance, %% one percent sign). The same boot checks the
// references between files and the drop-ins (checkReferences).
func TestBootExpandsSpecifiersInValues(t *testing.T) {
	t.Parallel()
	opts, host, sources := bootEnv(t)
	home := filepath.Join(host.dir, "home")
	if err := os.MkdirAll(filepath.Join(home, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "data", "marker"), []byte("from-home-data\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"vals.container": "[Container]\nImage=\"bb\"\nContainerName=vals\nVolume=%h/data:/data\n" +
			// systemd copies a % before a blank or a dot as it is
			"Environment=\"OFF=50% off\" DOT=a%.b\n" +
			"Exec=sh -c \"cat /data/marker; echo 100%%; echo \\\"$$OFF|$$DOT\\\"; echo net=$$(readlink /proc/self/ns/net); exec sleep 600\"\nStopSignal=KILL\n",
		"inst@.container": "[Container]\nImage=bb\nContainerName=inst-%i\nEnvironment=I=%i\n" +
			"GlobalArgs=--log-level=info\nPodmanArgs=-e FROM_ARGS=%i-args\n" +
			"Exec=sh -c \"echo I=$$I; exec sleep 600\"\nStopSignal=KILL\n",
	}
	for name, text := range refFiles {
		files[name] = text
	}
	replaceSources(t, sources, files)
	fixtureDir(t, filepath.Join(sources, "vals.container.d"), map[string]string{"10-named.conf": "[Container]\nEnvironment=FROM_NAMED=1\n"})
	fixtureDir(t, filepath.Join(sources, "inst@.container.d"), map[string]string{"10-tpl.conf": "[Container]\nEnvironment=FROM_TPL=yes\n"})
	opts.Binds = append(opts.Binds, home+":/root")
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "vals.service", "inst@bar.service", "side.service", "local-image.service")
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	sb.Run(t, "systemctl", "start", "vals.service", "inst@bar.service", "side.service")
	sb.WaitActive(t, "vals.service", "active", 30*time.Second)
	sb.WaitActive(t, "inst@bar.service", "active", 30*time.Second)
	journal := func(unit string) string {
		out, _, _, _ := sb.Exec("journalctl", "-u", unit, "-o", "cat", "--no-pager")
		return out
	}
	eventually(t, 30*time.Second, "vals to print its volume's file, 100% and 50% off|a%.b", func() bool {
		out := journal("vals.service")
		return strings.Contains(out, "from-home-data") && strings.Contains(out, "100%\n") && strings.Contains(out, "50% off|a%.b\n")
	})
	if out := journal("vals.service"); strings.Contains(out, "100%%") {
		t.Errorf("%%%% reached the container undoubled:\n%s", out)
	}
	eventually(t, 10*time.Second, "the instance to see I=bar", func() bool {
		return strings.Contains(journal("inst@bar.service"), "I=bar\n")
	})
	if got := e.must("exec", "inst-bar", "sh", "-c", "echo $I $FROM_ARGS $FROM_TPL"); got != "bar bar-args yes\n" {
		t.Errorf("environment in inst-bar (FROM_TPL from inst@.container.d/): %q", got)
	}
	checkReferences(t, sb, e, journal)
	if got := e.field("vals", "{{.ImageName}}"); got == "" || strings.Contains(got, "\"") {
		t.Errorf("Image=\"bb\" gave image %q", got)
	}
	sb.Run(t, "systemctl", "stop", "side.service", "vals.service", "inst@bar.service")
}

// refFiles are sources of TestBootExpandsSpecifiersInValues that name
// other files: side joins vals' network namespace (Network=vals.container)
// and mounts an .image file's image (Mount=type=image,source=local.image).
var refFiles = map[string]string{
	"local.image": "[Image]\nImage=bb\nPolicy=missing\n",
	"side.container": "[Container]\nImage=bb\nContainerName=side\nNetwork=vals.container\n" +
		"Mount=type=image,source=local.image,destination=/img\nStopSignal=KILL\n" +
		"Exec=sh -c \"echo net=$$(readlink /proc/self/ns/net); test -x /img/bin/busybox && echo img-mounted; exec sleep 600\"\n",
}

// checkReferences reads what refFiles and the drop-ins did: side shares
// vals' network namespace and sees the image, and vals.container.d/'s
// drop-in reached vals.
func checkReferences(t *testing.T, sb *harness.Sandbox, e *defaultEnv, journal func(string) string) {
	t.Helper()
	sb.WaitActive(t, "side.service", "active", 30*time.Second)
	netOf := func(unit string) string {
		for _, l := range strings.Split(journal(unit), "\n") {
			if strings.HasPrefix(l, "net=net:") {
				return l
			}
		}
		return ""
	}
	eventually(t, 30*time.Second, "side and vals to print their network namespaces", func() bool {
		return netOf("side.service") != "" && netOf("vals.service") != "" && strings.Contains(journal("side.service"), "img-mounted\n")
	})
	if a, b := netOf("side.service"), netOf("vals.service"); a != b {
		t.Errorf("Network=vals.container: side's %s, vals' %s", a, b)
	}
	if got := e.must("exec", "vals", "sh", "-c", "echo $FROM_NAMED"); got != "1\n" {
		t.Errorf("vals.container.d/ drop-in: FROM_NAMED=%q", got)
	}
}

// TestBootPodVolumesAndKeys boots with a pod whose Volume= (a .volume
// file's volume and a host directory) each member mounts, a .volume with
// User=/Group=, a pod with ExitPolicy= and an .image with Policy=missing
// and ImageTag=: each value reaches the object it configures.
func TestBootPodVolumesAndKeys(t *testing.T) {
	t.Parallel()
	opts, host, sources := bootEnv(t)
	static := filepath.Join(host.dir, "static")
	if err := os.MkdirAll(static, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(static, "index"), []byte("static-content\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"shop.pod":     "[Pod]\nPodName=shop\nExitPolicy=continue\nVolume=cache.volume:/cache\nVolume=" + static + ":/static:ro\n",
		"cache.volume": "[Volume]\nVolumeName=cache\nUser=1000\nGroup=100\n",
		"local.image":  "[Image]\nImage=bb\nPolicy=missing\nImageTag=bb\n",
		"shop-app.container": "[Container]\nImage=local.image\nPod=shop.pod\nContainerName=shop-app\n" +
			"Exec=sh -c \"cat /static/index; stat -c owner=%%u:%%g /cache; exec sleep 600\"\nStopSignal=KILL\n",
	}
	replaceSources(t, sources, files)
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "shop-app.service", "shop-pod.service", "cache-volume.service", "local-image.service")
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	sb.Run(t, "systemctl", "start", "shop-pod.service")
	sb.WaitActive(t, "shop-app.service", "active", 30*time.Second)
	eventually(t, 10*time.Second, "the member to see the pod's volumes", func() bool {
		out, _, _, _ := sb.Exec("journalctl", "-u", "shop-app.service", "-o", "cat", "--no-pager")
		return strings.Contains(out, "static-content") && strings.Contains(out, "owner=1000:100")
	})
	if got := strings.TrimSpace(e.must("pod", "inspect", "--format", "{{.ExitPolicy}}", "shop")); got != "continue" {
		t.Errorf("pod ExitPolicy = %q, want continue", got)
	}
	if got := e.must("volume", "inspect", "--format", "{{.Options.uid}}:{{.Options.gid}}", "cache"); strings.TrimSpace(got) != "1000:100" {
		t.Errorf("volume options %q", got)
	}
	sb.Run(t, "systemctl", "stop", "shop-pod.service")
}
