package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// userSources are the files in the user's ~/.config/podunit/systemd: a
// container with a %h volume and a pod of two members that talk on
// 127.0.0.1, all wanted by default.target.
var userSources = map[string]string{
	"gen.container": "[Container]\nImage=bb\nVolume=%h/data:/data\n" +
		"Exec=sh -c \"id -u > /data/up; head -n1 /proc/self/uid_map >> /data/up; exec sleep 300\"\n" +
		"[Install]\nWantedBy=default.target\n",
	"up.pod": "[Pod]\nPodName=up\nHostName=uphost\n[Install]\nWantedBy=default.target\n",
	"up-srv.container": "[Container]\nImage=bb\nPod=up.pod\nStopSignal=KILL\n" +
		"Exec=sh -c \"echo served > /tmp/i; exec httpd -f -p 127.0.0.1:8080 -h /tmp\"\n",
	"up-cli.container": "[Container]\nImage=bb\nPod=up.pod\nStopSignal=KILL\n" +
		"Exec=sh -c \"until wget -qO- http://127.0.0.1:8080/i; do sleep 0.2; done; echo fetched-from-$(hostname); exec sleep 300\"\n",
	// started by checkRootlessAutoUpdate, which updates it onto new local images of its name
	"au2.container": "[Container]\nImage=" + au2Image + "\nAutoUpdate=local\nStopSignal=KILL\n" +
		"Exec=sh -c \"test ! -e /broken && exec sleep 600\"\n",
}

// userGenerator installs podunit-generator as the sandbox's user generator
// (in /run, the sandbox's own tmpfs) and puts a .container file with a %h
// volume in the user's ~/.config/podunit/systemd, wanted by default.target:
// the user's manager, started through linger at boot, must start it.
func userGenerator(t *testing.T, dir string, u *rootlessUser) (bind string) {
	gens := filepath.Join(dir, "user-generators")
	if err := os.Mkdir(gens, 0o755); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf("#!/bin/sh\nPODUNIT_BINARY=%s exec %s --user \"$@\"\n", u.bin,
		harness.BuildCommand(t, "podunit-generator"))
	if err := os.WriteFile(filepath.Join(gens, "podunit-user-generator"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(u.home, ".config", "podunit", "systemd")
	for _, d := range []string{src, filepath.Join(u.home, "data")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, text := range userSources {
		if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("chown", "-R", u.uid+":"+u.gid, u.home).CombinedOutput(); err != nil {
		t.Fatalf("chown: %v\n%s", err, out)
	}
	return gens + ":/run/systemd/user-generators"
}

// checkUserGenerated: gen.service, made by the user generator, runs under
// the user's manager with the container's init as its main process, %h
// expanded by systemd to the user's home, uid 0 inside mapped to the user;
// exec reaches it from the user's shell (its namespace is the unit's).
func checkUserGenerated(t *testing.T, u *rootlessUser) {
	eventually(t, 30*time.Second, "gen.service to be active", func() bool {
		return u.userctl(t, "show", "-p", "ActiveState", "gen.service") == "ActiveState=active\n"
	})
	pid := u.field("systemd-gen", "{{.State.Pid}}")
	if show := u.userctl(t, "show", "-p", "MainPID", "gen.service"); show != "MainPID="+pid+"\n" {
		t.Errorf("gen.service: %q, container init %s", show, pid)
	}
	want := "0 0 " + u.uid + " 1"
	var up []byte
	eventually(t, 10*time.Second, "the container's file in ~/data", func() bool {
		up, _ = os.ReadFile(filepath.Join(u.home, "data", "up"))
		return strings.Join(strings.Fields(string(up)), " ") == want
	})
	out := u.must("exec", "systemd-gen", "cat", "/data/up")
	if got := strings.Join(strings.Fields(out), " "); got != want {
		t.Errorf("exec in the generated unit's container printed %q, want %q", out, want)
	}
	checkUserPod(t, u)
}

// checkUserPod: the user's pod and its two members run as user units, the
// client reached the server on 127.0.0.1 and has the pod's host name.
func checkUserPod(t *testing.T, u *rootlessUser) {
	eventually(t, 30*time.Second, "the pod's client to reach its server", func() bool {
		r := u.run(nil, "logs", "systemd-up-cli")
		return strings.Contains(r.out, "fetched-from-uphost")
	})
	for _, unit := range []string{"up-pod.service", "up-srv.service", "up-cli.service"} {
		if st := u.userctl(t, "show", "-p", "ActiveState", unit); st != "ActiveState=active\n" {
			t.Errorf("%s: %q", unit, st)
		}
	}
	checkUserPodCLI(t, u)
}

// checkUserPodCLI: a pod made on the command line, its members run -d as
// user units (the second joins the first's namespaces from the first's
// user namespace, its unit's start included), pod logs reads the user
// journal, and pod rm -f ends it all.
func checkUserPodCLI(t *testing.T, u *rootlessUser) {
	u.must("pod", "create", "--name", "cp2", "--share", "ipc,net,uts,pid")
	u.must("run", "-d", "--pod", "cp2", "--name", "m1", "bb", "sh", "-c",
		"echo served-m1 > /tmp/i; exec httpd -f -p 127.0.0.1:8081 -h /tmp")
	u.must("run", "-d", "--pod", "cp2", "--name", "m2", "bb", "sh", "-c",
		"until wget -qO- http://127.0.0.1:8081/i; do sleep 0.2; done; exec sleep 300")
	defer func() {
		if t.Failed() {
			r := u.run(nil, "pod", "logs", "--names", "cp2")
			t.Logf("pod logs: %d %q %q\nps: %s", r.code, r.out, r.err, u.run(nil, "ps", "-a").out)
			for _, m := range []string{"m1", "m2"} {
				pid := u.field(m, "{{.State.Pid}}")
				ns, _, _, _ := u.sb.Exec("sh", "-c", "readlink /proc/"+pid+"/ns/net /proc/"+pid+"/ns/user; cat /proc/"+pid+"/cmdline")
				t.Logf("%s: pid %s %s", m, pid, ns)
			}
			out, _, _, _ := u.sb.Exec("journalctl", "--no-pager", "-n", "60", "_UID="+u.uid)
			t.Logf("journal:\n%s", out)
		}
	}()
	eventually(t, 30*time.Second, "pod logs to show m2 fetching from m1", func() bool {
		r := u.run(nil, "pod", "logs", "--names", "cp2")
		return strings.Contains(r.out, "m2 served-m1")
	})
	u.hide = "/usr/bin/newuidmap" // the record readers need no user namespace
	for _, c := range []struct {
		args []string
		want string
	}{{[]string{"pod", "logs", "--names", "cp2"}, "m2 served-m1"}, {[]string{"pod", "ps", "--format", "{{.Name}} {{.Status}}"}, "cp2 Running"}} {
		if r := u.run(nil, c.args...); r.code != 0 || !strings.Contains(r.out, c.want) {
			t.Errorf("%s outside a user namespace: exit %d, %q %q; want %q", c.args, r.code, r.out, r.err, c.want)
		}
	}
	u.hide = ""
	checkUserPodPID(t, u)
	pasta := checkPodPasta(t, u)
	u.must("pod", "rm", "-f", "-t", "1", "cp2")
	u.gone(t, pasta, "the pod's pasta")
	eventually(t, 20*time.Second, "pod rm to end the PID holder", func() bool {
		out, _, _, _ := u.sb.Exec("ps", "-u", u.uid, "-o", "comm=")
		return !strings.Contains(out, "catatonit")
	})
	for _, name := range strings.Fields(u.must("ps", "-a", "--format", "{{.Names}}")) {
		if name == "m1" || name == "m2" {
			t.Errorf("pod rm -f left %s", name)
		}
	}
}

// checkUserPodPID: cp2 shares its PID namespace: its holder, catatonit,
// runs in the pod unit's cgroup (made by its start, before the members),
// and m2 sees m1's httpd under it.
func checkUserPodPID(t *testing.T, u *rootlessUser) {
	out := u.must("exec", "m2", "sh", "-c", "cat /proc/1/comm /proc/[0-9]*/comm")
	if !strings.HasPrefix(out, "catatonit\n") || !strings.Contains(out, "httpd") {
		t.Errorf("m2's PID namespace: %q, want catatonit as PID 1 and m1's httpd", out)
	}
	cg, _, _, _ := u.sb.Exec("sh", "-c", "cat /proc/$(pgrep -u "+u.uid+" -x catatonit)/cgroup")
	if !strings.Contains(cg, "/cp2-pod.service") {
		t.Errorf("the PID holder's cgroup: %q, want the pod unit's", cg)
	}
}

// checkUserGenerate: generate systemd --new as the user writes a unit for
// the user's manager (WantedBy=default.target), which systemctl --user
// enables and starts, its container running as the user.
func checkUserGenerate(t *testing.T, u *rootlessUser) {
	u.must("create", "--name", "g2", "bb", "sleep", "300")
	text := u.must("generate", "systemd", "--new", "g2")
	if !strings.Contains(text, "\nWantedBy=default.target\n") {
		t.Errorf("generate systemd as the user:\n%s", text)
	}
	unitDir := filepath.Join(u.home, ".config", "systemd", "user")
	if err := os.MkdirAll(unitDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(unitDir, "container-g2.service"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("chown", "-R", u.uid+":"+u.gid, filepath.Join(u.home, ".config")).CombinedOutput(); err != nil {
		t.Fatalf("chown: %v\n%s", err, out)
	}
	u.userctl(t, "daemon-reload")
	u.userctl(t, "enable", "--now", "container-g2.service")
	if st := u.userctl(t, "show", "-p", "ActiveState", "container-g2.service"); st != "ActiveState=active\n" {
		u.sb.DumpUnit(t, "user@"+u.uid+".service")
		t.Errorf("container-g2.service: %q", st)
	}
	if got := u.field("g2", "{{.State.Status}}"); got != "running" {
		t.Errorf("g2 under its generated user unit is %q", got)
	}
	u.userctl(t, "disable", "--now", "container-g2.service")
}
