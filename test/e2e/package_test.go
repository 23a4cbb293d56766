package e2e

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
	"github.com/podunit/podunit/test/testimage"
)

// packages are the .deb and .rpm that `make deb rpm` builds, once per test binary.
type packages struct {
	deb, rpm string
	err      error
	out      []byte
}

var (
	pkgOnce  sync.Once
	pkgBuilt packages
)

// buildPackages runs `make deb rpm` with its output in a test directory.
func buildPackages(t *testing.T) packages {
	t.Helper()
	harness.RequireRoot(t)
	pkgOnce.Do(func() {
		dist, err := os.MkdirTemp("/var/lib/podunit-test", fmt.Sprintf("p%d-dist-", os.Getpid()))
		if err != nil {
			pkgBuilt.err = err
			return
		}
		began := time.Now()
		cmd := exec.Command("make", "--no-print-directory", "DIST="+dist, "deb", "rpm")
		cmd.Dir = moduleDir(t)
		cmd.Env = append(os.Environ(), "PATH=/usr/local/go/bin:"+os.Getenv("PATH"))
		pkgBuilt.out, pkgBuilt.err = cmd.CombinedOutput()
		t.Logf("make deb rpm: %v", time.Since(began).Round(time.Millisecond))
		debs, _ := filepath.Glob(filepath.Join(dist, "podunit_*.deb"))
		rpms, _ := filepath.Glob(filepath.Join(dist, "podunit-*.rpm"))
		if pkgBuilt.err == nil && (len(debs) != 1 || len(rpms) != 1) {
			pkgBuilt.err = fmt.Errorf("want one .deb and one .rpm in %s, have %v %v", dist, debs, rpms)
		}
		if pkgBuilt.err == nil {
			pkgBuilt.deb, pkgBuilt.rpm = debs[0], rpms[0]
		}
	})
	if pkgBuilt.err != nil {
		t.Fatalf("make deb rpm: %v\n%s", pkgBuilt.err, pkgBuilt.out)
	}
	return pkgBuilt
}

func moduleDir(t *testing.T) string {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		out, err = exec.Command("/usr/local/go/bin/go", "env", "GOMOD").Output()
	}
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// sh runs a host command and returns its stdout, stderr and error.
func hostRun(name string, args ...string) (string, string, error) {
	var out, errb bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

func mustHost(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, errOut, err := hostRun(name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// debPayload lists the files and symlinks the .deb ships (no directories).
func debPayload(t *testing.T, deb string) []string {
	var paths []string
	for _, line := range strings.Split(mustHost(t, "dpkg-deb", "-c", deb), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 || strings.HasPrefix(f[0], "d") {
			continue
		}
		paths = append(paths, strings.TrimPrefix(f[5], "."))
	}
	sort.Strings(paths)
	return paths
}

// removePackage purges podunit if it is installed (a previous run's leftover too).
func removePackage(t testing.TB) {
	if _, _, err := hostRun("dpkg-query", "-W", "podunit"); err != nil {
		return
	}
	if out, errOut, err := hostRun("dpkg", "--purge", "podunit"); err != nil {
		t.Errorf("dpkg --purge podunit: %v\n%s%s", err, out, errOut)
	}
}

// installPackage installs the .deb and removes it again when the test ends.
func installPackage(t *testing.T, deb string) {
	t.Helper()
	removePackage(t)
	t.Cleanup(func() { removePackage(t) })
	mustHost(t, "dpkg", "-i", deb)
}

// machineState records what exists at paths and under the trees dpkg and
// deb-systemd-helper touch: type, mode and link target of each entry.
func machineState(t *testing.T, paths []string) string {
	t.Helper()
	var b strings.Builder
	add := func(p string) {
		fi, err := os.Lstat(p)
		if err != nil {
			fmt.Fprintf(&b, "%s absent\n", p)
			return
		}
		target, _ := os.Readlink(p)
		fmt.Fprintf(&b, "%s %v %s\n", p, fi.Mode(), target)
	}
	for _, p := range paths {
		add(p)
	}
	add("/usr/libexec/podunit")
	add("/usr/share/doc/podunit")
	for _, root := range []string{"/etc/systemd/system", "/var/lib/systemd/deb-systemd-helper-enabled",
		"/var/lib/systemd/deb-systemd-helper-masked", "/run/podunit"} {
		_ = filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
			if err == nil {
				add(p)
			}
			return nil
		})
	}
	infos, _ := filepath.Glob("/var/lib/dpkg/info/podunit.*")
	fmt.Fprintf(&b, "dpkg info: %v\n", infos)
	return b.String()
}

// TestPackage builds the packages, lints them, compares the rpm with the deb,
// installs the deb, boots systemd with a .pod file for the installed
// generator and podunit, checks man pages and completion, and removes and
// purges the package, leaving the machine as it was.
func TestPackage(t *testing.T) {
	// not parallel: dpkg installs and removes the package on the host
	p := buildPackages(t)
	payload := debPayload(t, p.deb)
	t.Run("lintian", func(t *testing.T) {
		began := time.Now()
		out, errOut, err := hostRun("lintian", "--pedantic", "--fail-on", "error,warning,info,pedantic", p.deb)
		t.Logf("lintian: %v", time.Since(began).Round(time.Millisecond))
		errOut = strings.ReplaceAll(errOut, "running with root privileges is not recommended!", "")
		if err != nil || strings.TrimSpace(out+errOut) != "" {
			t.Errorf("lintian reports what packaging/deb/lintian-overrides does not override (%v):\n%s%s", err, out, errOut)
		}
	})
	t.Run("rpmlint", func(t *testing.T) {
		// rpmlint unpacks with `rpm2cpio | cpio -id`, and nfpm's cpio names are
		// absolute: without --no-absolute-filenames, cpio would write them over /.
		bin := harness.TempDir(t)
		wrapper := "#!/bin/sh\nexec /usr/bin/cpio --no-absolute-filenames \"$@\"\n"
		if err := os.WriteFile(filepath.Join(bin, "cpio"), []byte(wrapper), 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("rpmlint", "-c", filepath.Join(moduleDir(t), "packaging/rpmlint.toml"), p.rpm)
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
		var outb, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &outb, &errb
		err := cmd.Run()
		out, errOut := outb.String(), errb.String()
		if err != nil || !strings.Contains(out, " 0 errors, 0 warnings") {
			t.Errorf("rpmlint reports what packaging/rpmlint.toml does not filter (%v):\n%s%s", err, out, errOut)
		}
	})
	t.Run("rpm payload and scriptlets", func(t *testing.T) { checkRPM(t, p.rpm, payload) })

	removePackage(t)
	before := machineState(t, payload)
	for _, f := range payload {
		if _, err := os.Lstat(f); err == nil {
			t.Fatalf("%s exists, and no podunit package owns it (a make install?): remove it (make uninstall) first", f)
		}
	}
	installPackage(t, p.deb)
	t.Run("installed files", func(t *testing.T) { checkInstalled(t, payload) })
	t.Run("boot with the installed generator", func(t *testing.T) { bootInstalled(t) })

	mustHost(t, "dpkg", "-r", "podunit")
	for _, f := range payload {
		if _, err := os.Lstat(f); err == nil {
			t.Errorf("%s remains after dpkg -r", f)
		}
	}
	mustHost(t, "dpkg", "--purge", "podunit")
	if after := machineState(t, payload); after != before {
		t.Errorf("the machine differs after dpkg --purge:\n%s", lineDiff(before, after))
	}
}

// checkRPM compares the rpm's payload with the deb's, mapped to Fedora's
// directories, and checks its scriptlets call systemd as Fedora's macros do.
func checkRPM(t *testing.T, rpm string, debPaths []string) {
	debOnly := map[string]bool{"/usr/share/doc/podunit/changelog.Debian.gz": true, "/usr/share/lintian/overrides/podunit": true}
	var want []string
	for _, p := range debPaths {
		if debOnly[p] {
			continue
		}
		if strings.HasPrefix(p, "/lib/systemd/") {
			p = "/usr" + p
		}
		want = append(want, strings.Replace(p, "/usr/share/zsh/vendor-completions/", "/usr/share/zsh/site-functions/", 1))
	}
	sort.Strings(want)
	got := strings.Fields(mustHost(t, "rpm", "-qlp", rpm))
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rpm -qlp differs from the deb's payload:\nrpm:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	scripts := mustHost(t, "rpm", "-qp", "--scripts", rpm)
	for _, s := range []string{"systemctl --no-reload preset podunit-restart.service podunit-auto-update.service podunit-auto-update.timer",
		"systemctl --no-reload disable --now podunit-restart.service podunit-auto-update.service podunit-auto-update.timer", "systemctl daemon-reload",
		"systemd-tmpfiles --create podunit.conf"} {
		if !strings.Contains(scripts, s) {
			t.Errorf("rpm scriptlets lack %q:\n%s", s, scripts)
		}
	}
}

// checkInstalled checks every shipped path, the postinst's enablement, the
// units with systemd-analyze verify, the tmpfiles entry and the man pages.
func checkInstalled(t *testing.T, payload []string) {
	listed := mustHost(t, "dpkg", "-L", "podunit")
	for _, f := range payload {
		if _, err := os.Stat(f); err != nil { // Stat: symlinks must resolve
			t.Errorf("shipped %s: %v", f, err)
		}
		if !strings.Contains(listed, f+"\n") {
			t.Errorf("dpkg -L does not list %s", f)
		}
	}
	if got := mustHost(t, "/usr/bin/podunit", "--version"); !strings.Contains(got, "podunit version") {
		t.Errorf("podunit --version: %q", got)
	}
	link := "/etc/systemd/system/multi-user.target.wants/podunit-restart.service"
	if target, err := os.Readlink(link); err != nil || target != "/lib/systemd/system/podunit-restart.service" {
		t.Errorf("postinst did not enable podunit-restart.service: %s -> %q (%v)", link, target, err)
	}
	for _, unit := range []string{"podunit-restart.service", "podunit-auto-update.service", "podunit-auto-update.timer"} {
		out, errOut, err := hostRun("systemd-analyze", "verify", "/lib/systemd/system/"+unit)
		if err != nil || errOut != "" {
			t.Errorf("systemd-analyze verify %s: %v\n%s%s", unit, err, out, errOut)
		}
	}
	for _, unit := range []string{"podunit-restart.service", "podunit-auto-update.service", "podunit-auto-update.timer"} {
		// the user units, for rootless users: their syntax (verified as
		// files) and their install target, the user manager's
		path := "/usr/lib/systemd/user/" + unit
		out, errOut, err := hostRun("systemd-analyze", "verify", path)
		if err != nil || errOut != "" {
			t.Errorf("systemd-analyze verify %s: %v\n%s%s", path, err, out, errOut)
		}
		if data, err := os.ReadFile(path); err != nil || !strings.Contains(string(data), "\nWantedBy=default.target\n") &&
			!strings.Contains(string(data), "\nWantedBy=timers.target\n") {
			t.Errorf("user unit %s: want an [Install] for the user's manager: %v\n%s", path, err, data)
		}
	}
	if _, err := os.Lstat("/etc/systemd/system/timers.target.wants/podunit-auto-update.timer"); err == nil {
		t.Error("postinst enabled podunit-auto-update.timer; the admin enables it, as Podman's")
	}
	root := harness.TempDir(t)
	if out, errOut, err := hostRun("systemd-tmpfiles", "--create", "--root="+root, "/usr/lib/tmpfiles.d/podunit.conf"); err != nil || errOut != "" {
		t.Errorf("systemd-tmpfiles --create podunit.conf: %v\n%s%s", err, out, errOut)
	}
	if fi, err := os.Stat(filepath.Join(root, "run/containers/storage/podunit")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("tmpfiles entry made no 0700 run/containers/storage/podunit: %v", err)
	}
	for page, want := range map[string]string{
		"podunit-systemd.unit": "ContainerName=", "podunit-generator": "podunit-user-generator",
		"podunit": "podunit-pod(1)", "podunit-pod-start": "--help",
	} {
		cmd := exec.Command("man", "-P", "cat", page)
		cmd.Env = append(os.Environ(), "MANPATH=/usr/share/man", "MANWIDTH=100", "LC_ALL=C.UTF-8")
		var errb bytes.Buffer
		cmd.Stderr = &errb
		out, err := cmd.Output()
		if err != nil || !strings.Contains(string(out), want) || errb.Len() != 0 {
			t.Errorf("man %s: %v (want %q in it)\n%.600s\n%s", page, err, want, out, errb.String())
		}
	}
}

// bootedFiles are the sources the package boot test puts in /etc/podunit/systemd.
var bootedFiles = map[string]string{
	"shop.pod":           "[Pod]\nPodName=shop\n\n[Install]\nWantedBy=multi-user.target\n",
	"shop-srv.container": "[Container]\nImage=bb\nPod=shop.pod\nExec=sleep 600\nStopSignal=KILL\n",
}

// bootInstalled boots systemd with the package's generator (no
// PODUNIT_BINARY: the units call /usr/bin/podunit) and a .pod file, and
// completes the pod's name with the installed bash completion.
func bootInstalled(t *testing.T) {
	dir := harness.TempDir(t)
	sources, storage := filepath.Join(dir, "quadlet"), filepath.Join(dir, "storage")
	for _, d := range []string{sources, storage} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, text := range bootedFiles {
		if err := os.WriteFile(filepath.Join(sources, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	importImage(t, dir, storage)
	sb := harness.Boot(t, harness.Options{Binds: []string{sources + ":/etc/podunit/systemd",
		storage + ":/var/lib/containers/storage"}})
	sb.DumpOnFailure(t, "shop-pod.service", "shop-srv.service")
	sb.WaitActive(t, "shop-pod.service", "active", 30*time.Second)
	sb.WaitActive(t, "shop-srv.service", "active", 30*time.Second)
	if got := sb.Run(t, "systemctl", "show", "-P", "ExecStart", "shop-srv.service"); !strings.Contains(got, "path=/usr/bin/podunit ") {
		t.Errorf("shop-srv.service does not run the installed podunit: %s", got)
	}
	e := &defaultEnv{t: t, sb: sb, bin: "/usr/bin/podunit"}
	if got := e.must("pod", "ps", "--format", "{{.Name}} {{.Status}}"); !strings.Contains(got, "shop Running") {
		t.Errorf("podunit pod ps at multi-user.target:\n%s", got)
	}
	t.Run("bash completes the pod's name", func(t *testing.T) {
		script := `source /usr/share/bash-completion/bash_completion
source /usr/share/bash-completion/completions/podunit
COMP_WORDS=(podunit pod start sh); COMP_CWORD=3; COMP_LINE="podunit pod start sh"; COMP_POINT=${#COMP_LINE}
__start_podunit podunit sh podunit
printf '%s\n' "${COMPREPLY[@]}"`
		if got := sb.Run(t, "bash", "-c", script); strings.TrimSpace(got) != "shop" {
			t.Errorf("completion of 'podunit pod start sh<TAB>': %q, want shop", got)
		}
		if got := e.must("__complete", "pod", "start", ""); !strings.HasPrefix(got, "shop\n") {
			t.Errorf("podunit __complete pod start '': %q", got)
		}
	})
	sb.Run(t, "systemctl", "stop", "shop-pod.service")
}

// importImage imports the busybox test image as bb into storage with the
// installed podunit.
func importImage(t *testing.T, dir, storage string) {
	tar := filepath.Join(dir, "rootfs.tar")
	if err := testimage.RootfsTar(tar); err != nil {
		t.Fatal(err)
	}
	mustHost(t, "/usr/bin/podunit", "--root", storage, "--runroot", filepath.Join(dir, "hostrun"), "image", "import", tar, "bb")
}

// TestRestartService creates containers with restart policies in a sandbox
// with the package installed and podunit-restart.service enabled by its
// preset, reboots, and expects the always and unless-stopped ones running
// again and the others not.
func TestRestartService(t *testing.T) {
	// not parallel: dpkg installs the package on the host
	p := buildPackages(t)
	installPackage(t, p.deb)
	dir := harness.TempDir(t)
	storage, etc := filepath.Join(dir, "storage"), filepath.Join(dir, "etc-systemd-system")
	for _, d := range []string{storage, etc} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	importImage(t, dir, storage)
	sb := harness.Boot(t, harness.Options{Binds: []string{storage + ":/var/lib/containers/storage", etc + ":/etc/systemd/system"}})
	e := &defaultEnv{t: t, sb: sb, bin: "/usr/bin/podunit"}
	t.Cleanup(func() { e.env().removeAll() })
	sb.DumpOnFailure(t, "podunit-restart.service")
	sb.Run(t, "systemctl", "preset", "podunit-restart.service")
	if got := strings.TrimSpace(sb.Run(t, "systemctl", "is-enabled", "podunit-restart.service")); got != "enabled" {
		t.Fatalf("after systemctl preset, podunit-restart.service is %q", got)
	}
	for _, c := range [][2]string{{"r-always", "always"}, {"r-unless", "unless-stopped"}, {"r-no", "no"}, {"r-fail", "on-failure"}} {
		e.must("run", "-d", "--name", c[0], "--restart", c[1], "bb", "sleep", "600")
	}
	e.must("create", "--name", "r-created", "--restart", "always", "bb", "sleep", "600")
	sb.Reboot(t)
	sb.WaitActive(t, "podunit-restart.service", "active", 30*time.Second)
	want := map[string]string{"r-always": "running", "r-unless": "running", "r-created": "running", "r-no": "exited", "r-fail": "exited"}
	for name, state := range want {
		if got := e.field(name, "{{.State.Status}}"); got != state {
			t.Errorf("%s after reboot: %s, want %s", name, got, state)
		}
	}
	if got := sb.Run(t, "journalctl", "-u", "podunit-restart.service", "-o", "cat", "--no-pager"); !strings.Contains(got, "r-always") {
		t.Errorf("podunit-restart.service's journal does not name r-always:\n%s", got)
	}
}

// lineDiff lists the lines only in a (-) and only in b (+).
func lineDiff(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var d strings.Builder
	for _, l := range strings.Split(a, "\n") {
		if !mb[l] {
			fmt.Fprintf(&d, "- %s\n", l)
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if !ma[l] {
			fmt.Fprintf(&d, "+ %s\n", l)
		}
	}
	return d.String()
}
