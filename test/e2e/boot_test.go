package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
	"github.com/podunit/podunit/test/testimage"
)

// quadletFiles are the sources the boot test puts in /etc/podunit/systemd.
var quadletFiles = map[string]string{
	"web.pod": `[Pod]
PodName=web
HostName=webhost

[Install]
WantedBy=multi-user.target
`,
	"web-srv.container": `[Container]
Image=bb
Pod=web.pod
Exec=sh -c "echo served > /tmp/index.html; exec httpd -f -p 127.0.0.1:8080 -h /tmp"
StopSignal=KILL
`,
	"web-cli.container": `[Container]
Image=bb
Pod=web.pod
Exec=sh -c "until wget -qO- http://127.0.0.1:8080/; do sleep 0.2; done; echo fetched-from-$(hostname); exec sleep 600"
StopSignal=KILL

[Service]
Restart=on-failure
`,
	"solo.container": `[Container]
Image=bb
ContainerName=solo
Exec=sh -c "echo solo-v1; exec sleep 600"
StopSignal=KILL

[Install]
WantedBy=multi-user.target
`,
}

// bootEnv prepares what a host that installed podunit has: the generator in
// systemd's generator directory, source files in /etc/podunit/systemd, and an
// image in the default storage (a test directory bound over it).
func bootEnv(t *testing.T) (harness.Options, *env, string) {
	bin := harness.BuildPodunit(t)
	gen := harness.BuildCommand(t, "podunit-generator")
	dir := harness.TempDir(t)
	gens, sources, storage := filepath.Join(dir, "generators"), filepath.Join(dir, "quadlet"), filepath.Join(dir, "storage")
	for _, d := range []string{gens, sources, storage} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(gen, filepath.Join(gens, "podunit-system-generator")); err != nil {
		t.Fatal(err)
	}
	for name, text := range quadletFiles {
		if err := os.WriteFile(filepath.Join(sources, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	host := &env{t: t, bin: bin, dir: dir, runtime: "crun"}
	tar := filepath.Join(dir, "rootfs.tar")
	if err := testimage.RootfsTar(tar); err != nil {
		t.Fatal(err)
	}
	host.must("--root", storage, "--runroot", filepath.Join(dir, "hostrun"), "image", "import", tar, "bb")
	opts := harness.Options{
		Binds: []string{gens + ":/etc/systemd/system-generators", sources + ":/etc/podunit/systemd",
			storage + ":/var/lib/containers/storage"},
		Env: []string{"PODUNIT_BINARY=" + bin},
	}
	return opts, host, sources
}

// TestBootStartsGeneratedUnits boots systemd with Quadlet-format sources and
// checks the pod and the standalone container are up at multi-user.target.
func TestBootStartsGeneratedUnits(t *testing.T) {
	t.Parallel()
	opts, host, sources := bootEnv(t)
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "web-pod.service", "web-srv.service", "web-cli.service", "solo.service")
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	for _, u := range []string{"web-pod.service", "web-srv.service", "web-cli.service", "solo.service"} {
		sb.WaitActive(t, u, "active", 30*time.Second)
	}
	eventually(t, 20*time.Second, "the pod's client to reach its server", func() bool {
		out, _, _, _ := sb.Exec("journalctl", "-u", "web-cli.service", "-o", "cat", "--no-pager")
		return strings.Contains(out, "fetched-from-webhost")
	})
	// [Install]'s WantedBy= reached systemd as the generator's drop-in
	wants, dropins := sb.Run(t, "systemctl", "show", "-P", "Wants", "multi-user.target"),
		sb.Run(t, "systemctl", "show", "-P", "DropInPaths", "multi-user.target")
	if !slices.Contains(strings.Fields(wants), "solo.service") || !slices.Contains(strings.Fields(wants), "web-pod.service") ||
		!strings.Contains(dropins, "/run/systemd/generator/multi-user.target.d/podunit-generator.conf") {
		t.Errorf("multi-user.target: Wants=%s, drop-ins %s", wants, dropins)
	}
	if got := e.must("ps", "--format", "{{.Names}} {{.State}}"); !strings.Contains(got, "solo running") ||
		!strings.Contains(got, "systemd-web-srv running") || !strings.Contains(got, "systemd-web-cli running") {
		t.Fatalf("podunit ps at boot:\n%s", got)
	}

	t.Run("systemctl restart of the pod unit", func(t *testing.T) {
		before := e.field("systemd-web-srv", "{{.State.Pid}}")
		sb.Run(t, "systemctl", "restart", "web-pod.service")
		sb.Run(t, "systemctl", "start", "web-srv.service", "web-cli.service")
		if after := e.field("systemd-web-srv", "{{.State.Pid}}"); after == before {
			t.Fatalf("the member kept pid %s across a pod restart", after)
		}
	})
	t.Run("a killed member is restarted by systemd", func(t *testing.T) {
		pid := e.field("systemd-web-cli", "{{.State.Pid}}")
		sb.Run(t, "kill", "-9", pid)
		eventually(t, 20*time.Second, "web-cli restarted", func() bool {
			out, _, _, _ := sb.Exec("systemctl", "show", "-P", "NRestarts", "web-cli.service")
			r := e.run("inspect", "--format", "{{.State.Pid}} {{.State.Status}}", "systemd-web-cli")
			return strings.TrimSpace(out) != "0" && !strings.HasPrefix(r.out, pid+" ") && strings.Contains(r.out, "running")
		})
	})
	t.Run("a changed file takes effect after daemon-reload and restart", func(t *testing.T) {
		text := strings.ReplaceAll(quadletFiles["solo.container"], "solo-v1", "solo-v2")
		if err := os.WriteFile(filepath.Join(sources, "solo.container"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		sb.Run(t, "systemctl", "daemon-reload")
		sb.Run(t, "systemctl", "restart", "solo.service")
		eventually(t, 10*time.Second, "solo-v2 in the journal", func() bool {
			out, _, _, _ := sb.Exec("journalctl", "-u", "solo.service", "-o", "cat", "--no-pager")
			return strings.Contains(out, "solo-v2")
		})
	})
	t.Run("stop leaves nothing", func(t *testing.T) {
		sb.Run(t, "systemctl", "stop", "web-pod.service", "solo.service")
		if got := e.must("ps", "-a", "-q"); got != "" {
			t.Errorf("containers remain after stop: %q", got)
		}
		if got := e.must("pod", "ps", "-q"); got != "" {
			t.Errorf("pods remain after stop: %q", got)
		}
		if m := strings.TrimSpace(e.sh("grep -c /run/containers/storage/podunit/pods /proc/self/mountinfo || true")); m != "0" {
			t.Errorf("pinned namespaces remain mounted")
		}
	})
}

// defaultEnv runs podunit in a sandbox with storage.conf's default paths.
type defaultEnv struct {
	t   testing.TB
	sb  *harness.Sandbox
	bin string
}

func (d *defaultEnv) env() *env {
	return &env{t: d.t, sb: d.sb, bin: d.bin, noGlobals: true}
}
func (d *defaultEnv) must(args ...string) string     { return d.env().must(args...) }
func (d *defaultEnv) run(args ...string) result      { return d.env().run(args...) }
func (d *defaultEnv) field(name, tmpl string) string { return d.env().field(name, tmpl) }
func (d *defaultEnv) sh(script string) string        { return d.env().sh(script) }

// TestGenerateSystemdSurvivesReboot writes units with generate systemd
// --new, enables them and reboots the harness's systemd. The pod's init
// container (it sleeps first) runs to completion before front starts, at
// every start: front prints what it finds in their shared volume.
func TestGenerateSystemdSurvivesReboot(t *testing.T) {
	t.Parallel()
	bin := harness.BuildPodunit(t)
	dir := harness.TempDir(t)
	units, storage := filepath.Join(dir, "units"), filepath.Join(dir, "storage")
	for _, d := range []string{units, storage} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	host := &env{t: t, bin: bin, dir: dir, runtime: "crun"}
	tar := filepath.Join(dir, "rootfs.tar")
	if err := testimage.RootfsTar(tar); err != nil {
		t.Fatal(err)
	}
	host.must("--root", storage, "--runroot", filepath.Join(dir, "hostrun"), "image", "import", tar, "bb")
	sb := harness.Boot(t, harness.Options{Binds: []string{units + ":/etc/systemd/system", storage + ":/var/lib/containers/storage"}})
	sb.DumpOnFailure(t, "pod-shop.service", "container-front.service", "container-probe.service", "container-prep.service")
	e := &defaultEnv{t: t, sb: sb, bin: bin}
	e.must("pod", "create", "--name", "shop", "--hostname", "shop")
	e.must("create", "--pod", "shop", "--name", "front", "--stop-signal", "KILL", "-v", "shopdata:/w", "bb", "sh", "-c",
		`echo "order=$(tr '\n' , < /w/order)"; echo front >> /w/order; echo generated > /tmp/index.html; exec httpd -f -p 127.0.0.1:8080 -h /tmp`)
	e.must("create", "--pod", "shop", "--name", "prep", "--init-ctr", "always", "-v", "shopdata:/w", "bb", "sh", "-c",
		"sleep 1; echo init >> /w/order")
	e.must("create", "--pod", "shop", "--name", "probe", "--stop-signal", "KILL", "bb", "sh", "-c",
		"until wget -qO- http://127.0.0.1:8080/; do sleep 0.2; done; exec sleep 600")
	written := e.sh("cd /etc/systemd/system && " + bin + " generate systemd --files --new shop")
	for _, u := range []string{"pod-shop.service", "container-front.service", "container-probe.service", "container-prep.service"} {
		if !strings.Contains(written, "/etc/systemd/system/"+u) {
			t.Fatalf("generate systemd --files wrote:\n%s", written)
		}
		if out, errOut, code, _ := sb.Exec("systemd-analyze", "verify", "--man=no", "/etc/systemd/system/"+u); code != 0 || errOut != "" {
			t.Errorf("systemd-analyze verify %s: exit %d\n%s%s", u, code, out, errOut)
		}
	}
	sb.Run(t, "systemctl", "daemon-reload")
	sb.Run(t, "systemctl", "enable", "--now", "pod-shop.service")
	checkShopRuns(t, e, sb, "order=init,")
	sb.Reboot(t)
	checkShopRuns(t, e, sb, "order=init,front,init,")
	sb.Run(t, "systemctl", "disable", "--now", "pod-shop.service")
	if got := e.must("ps", "-a", "-q"); got != "" {
		t.Errorf("containers remain after the pod's unit stopped: %q", got)
	}
}

func checkShopRuns(t *testing.T, e *defaultEnv, sb *harness.Sandbox, order string) {
	t.Helper()
	for _, u := range []string{"pod-shop.service", "container-front.service", "container-probe.service", "container-prep.service"} {
		sb.WaitActive(t, u, "active", 30*time.Second)
	}
	eventually(t, 20*time.Second, "front to print "+order+" (the init container's runs before its start)", func() bool {
		out, _, _, _ := sb.Exec("journalctl", "-b", "-u", "container-front.service", "-o", "cat", "--no-pager")
		return strings.Contains(out, order+"\n")
	})
	if got := e.field("prep", "{{.State.Status}} {{.State.ExitCode}}"); got != "exited 0" {
		t.Errorf("the init container: %q, want exited 0", got)
	}
	eventually(t, 20*time.Second, "probe to fetch from front", func() bool {
		out, _, _, _ := sb.Exec("journalctl", "-b", "-u", "container-probe.service", "-o", "cat", "--no-pager")
		return strings.Contains(out, "generated")
	})
	if got := e.must("pod", "ps", "--format", "{{.Name}} {{.Status}} {{.NumberOfContainers}}"); got != "shop Running 3\n" {
		t.Fatalf("pod ps: %q", got)
	}
}

// TestBootPullsImagesAndMakesVolumes boots with a .container whose image
// comes from an .image file (pulled from a registry on 127.0.0.1 at boot)
// and whose volume comes from a .volume file.
func TestBootPullsImagesAndMakesVolumes(t *testing.T) {
	t.Parallel()
	opts, host, sources := bootEnv(t)
	for name := range quadletFiles {
		if err := os.Remove(filepath.Join(sources, name)); err != nil {
			t.Fatal(err)
		}
	}
	reg := testimage.StartRegistry(t)
	ref := reg + "/podunit/pulled:1"
	testimage.PushImage(t, ref, testimage.Config{Labels: map[string]string{"from": "registry"}})
	files := map[string]string{
		"base.image":  "[Image]\nImage=" + ref + "\nTLSVerify=false\n",
		"data.volume": "[Volume]\nVolumeName=appdata\nLabel=tier=db\n",
		"app.container": `[Container]
Image=base.image
ContainerName=app
Volume=data.volume:/data
Exec=sh -c "echo kept > /data/file; echo app-up; exec sleep 600"
StopSignal=KILL

[Install]
WantedBy=multi-user.target
`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(sources, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "app.service", "base-image.service", "data-volume.service")
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	sb.WaitActive(t, "app.service", "active", 60*time.Second)
	for _, u := range []string{"base-image.service", "data-volume.service"} {
		sb.WaitActive(t, u, "active", 5*time.Second)
	}
	if got := e.field("app", "{{.ImageName}} {{.State.Status}}"); got != ref+" running" {
		t.Fatalf("inspect app: %q", got)
	}
	if got := e.must("volume", "ls", "--format", "{{.Name}}"); got != "appdata\n" {
		t.Fatalf("volume ls: %q", got)
	}
	eventually(t, 10*time.Second, "the container to write into its volume", func() bool {
		return strings.Contains(e.sh("cat /var/lib/containers/storage/podunit/volumes/appdata/_data/file 2>/dev/null || true"), "kept")
	})
}

// TestBootMakesNetworks boots, in a sandbox with its own network namespace,
// a .network file and a .container on it: the network exists before the
// container starts, which gets an address in the network's subnet.
func TestBootMakesNetworks(t *testing.T) {
	t.Parallel()
	opts, host, sources := bootEnv(t)
	for name := range quadletFiles {
		if err := os.Remove(filepath.Join(sources, name)); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"front.network": "[Network]\nSubnet=10.89.77.0/24\nLabel=tier=front\n",
		"srv.container": "[Container]\nImage=bb\nContainerName=srv\nNetwork=front.network\n" +
			"Exec=sh -c \"" + httpd("on-front") + "\"\nStopSignal=KILL\n\n[Install]\nWantedBy=multi-user.target\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(sources, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts.Net = true
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "srv.service", "front-network.service")
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	sb.WaitActive(t, "srv.service", "active", 30*time.Second)
	sb.WaitActive(t, "front-network.service", "active", 5*time.Second)
	if got := e.must("network", "ls", "--format", "{{.Name}}"); !strings.Contains(got, "systemd-front") {
		t.Fatalf("network ls at boot: %q", got)
	}
	addr := e.must("exec", "srv", "sh", "-c", "ip -4 -o addr show eth0")
	if !strings.Contains(addr, "inet 10.89.77.") {
		t.Fatalf("srv's address is not in the .network's subnet: %q", addr)
	}
	ip := regexp.MustCompile(`inet (\S+)/`).FindStringSubmatch(addr)[1]
	eventually(t, 10*time.Second, "srv to serve on its network", func() bool {
		out, _, _, _ := sb.Exec("sh", "-c", fetch("http://"+ip+"/"))
		return strings.Contains(out, "on-front")
	})
	sb.Run(t, "systemctl", "stop", "srv.service")
	e.must("network", "rm", "systemd-front")
}
