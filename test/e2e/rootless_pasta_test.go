package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Rootless networking with pasta, checked in TestRootlessUnderSystemd's
// boot (the sandbox shares the host's network namespace, so pasta has the
// host's interface and routes to copy, and a published port is on the
// host's 127.0.0.1).

// pastaConf is a containers.conf bound over the vendor's in the sandbox,
// in place of the harness's netns = "none" (which keeps root's bridges off
// the host): the rootless default, pasta, which root refuses.
func pastaConf(t *testing.T, dir string) (bind string) {
	conf := filepath.Join(dir, "pasta-containers.conf")
	if err := os.WriteFile(conf, []byte("[containers]\nnetns = \"pasta\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return conf + ":/usr/share/containers/containers.conf"
}

// userTun lets the sandbox's users open /dev/net/tun, which pasta needs:
// a bare devtmpfs makes it 0600 (systemd-tmpfiles' static-nodes-permissions.conf
// makes it 0666 on a booted host, but the sandbox's boot does not run it). A
// 0666 node of the same device is bound over it in the sandbox's own mount
// namespace; the host's node is left as it is.
func userTun(t *testing.T, u *rootlessUser) {
	u.sb.Run(t, "sh", "-c", "mknod -m 666 /run/podunit-test-tun c 10 200 && mount --bind /run/podunit-test-tun /dev/net/tun")
}

// checkRootlessPasta: an attached rootless container on the default
// network (pasta) has an interface besides lo and reaches a server on its
// own 127.0.0.1; --network slirp4netns, the alternative, gives tap0 its
// 10.0.2.100. On either, run -d with -p 127.0.0.1:P:80 is reachable from
// the host side on 127.0.0.1:P, through the container's own helper, which
// is gone once the container stops.
func checkRootlessPasta(t *testing.T, u *rootlessUser) {
	out := u.must("run", "--rm", "bb", "sh", "-c",
		"echo own-lo > /tmp/i && httpd -p 127.0.0.1:8090 -h /tmp && wget -qO- http://127.0.0.1:8090/i && cat /proc/net/dev")
	if !strings.Contains(out, "own-lo") || !hasOtherInterface(out) {
		t.Errorf("a rootless container on pasta: %q, want own-lo and an interface besides lo", out)
	}
	out = u.must("run", "--rm", "--network", "slirp4netns", "bb", "sh", "-c", "ip -4 addr show tap0")
	if !strings.Contains(out, "10.0.2.100/24") {
		t.Errorf("a rootless container on slirp4netns: %q, want tap0 with 10.0.2.100/24", out)
	}
	port := 20000 + os.Getpid()%10000
	checkPublished(t, u, "pub", "pasta", port, ".pid")
	checkPublished(t, u, "pubs", "slirp4netns", port+1, ".slirp.pid")
	checkNetModeOptions(t, u)
}

// checkPublished: run -d NAME on network mode with -p 127.0.0.1:PORT:80
// answers from the host side; its helper (pid file ID+suffix) ends when
// it stops.
func checkPublished(t *testing.T, u *rootlessUser, name, mode string, port int, suffix string) {
	args := []string{"run", "-d", "--name", name, "-p", fmt.Sprintf("127.0.0.1:%d:80", port)}
	if mode == "slirp4netns" {
		args = append(args, "--network", mode)
	}
	u.must(append(args, "bb", "sh", "-c", "echo published > /tmp/i; exec httpd -f -p 80 -h /tmp")...)
	eventually(t, 30*time.Second, "the port "+mode+" publishes to answer on the host", func() bool {
		out, _, _, _ := u.sb.Exec("curl", "-sS", "--max-time", "5", fmt.Sprintf("http://127.0.0.1:%d/i", port))
		return out == "published\n"
	})
	if got := u.field(name, "{{.HostConfig.NetworkMode}}"); got != mode {
		t.Errorf("%s's network mode: %q, want %s", name, got, mode)
	}
	pid := u.helperPid(t, u.field(name, "{{.Id}}")+suffix)
	t.Logf("%s of one container: %s", mode, u.sb.Run(t, "grep", "VmRSS", "/proc/"+pid+"/status"))
	u.must("stop", "-t", "1", name)
	u.gone(t, pid, "the container's "+mode)
	u.must("rm", name)
}

// hasOtherInterface: /proc/net/dev lists an interface besides lo.
func hasOtherInterface(dev string) bool {
	for _, line := range strings.Split(dev, "\n") {
		name, _, ok := strings.Cut(line, ":")
		if name = strings.TrimSpace(name); ok && name != "lo" && name != "" && !strings.Contains(name, "|") {
			return true
		}
	}
	return false
}

// helperPid is the pid of a pasta or slirp4netns, as its pid file
// (OWNER.pid or OWNER.slirp.pid, OWNER a container's ID or pod-ID) under
// the user's run root says, checked to be running.
func (u *rootlessUser) helperPid(t *testing.T, file string) string {
	t.Helper()
	path := filepath.Join("/run/user", u.uid, "containers/podunit/pasta", file)
	out, _, code, _ := u.sb.Exec("cat", path)
	if code != 0 {
		found, _, _, _ := u.sb.Exec("sh", "-c", "find / -xdev -path '*/podunit/pasta/*' 2>/dev/null; ps -u "+u.uid+" -o pid=,comm=,args=")
		t.Fatalf("no pasta pid file %s; found:\n%s", path, found)
	}
	pid := strings.Fields(out + " 0")[0]
	if comm := u.sb.Run(t, "cat", "/proc/"+pid+"/comm"); !strings.HasPrefix(comm, "pas") && comm != "slirp4netns\n" {
		t.Fatalf("pid %s of %s is %q, not pasta or slirp4netns", pid, path, comm)
	}
	return pid
}

// gone waits until process pid (in the sandbox) has ended.
func (u *rootlessUser) gone(t *testing.T, pid, what string) {
	t.Helper()
	eventually(t, 30*time.Second, what+" (pid "+pid+") to end", func() bool {
		st, _, code, _ := u.sb.Exec("sh", "-c", "grep '^State:' /proc/"+pid+"/status")
		return code != 0 || strings.Contains(st, "zombie")
	})
}

// checkPodPasta: pod cp2's members share one pasta, the pod's: its pid
// file is the pod's, it runs in a scope of its own (not in the unit of
// m1, which started it), the members have none of their own, and both see
// the same network namespace; it outlives m1. It ends with the pod (checked by the caller
// after pod rm, through the pid returned).
func checkPodPasta(t *testing.T, u *rootlessUser) string {
	pid := u.helperPid(t, "pod-"+strings.TrimSpace(u.must("pod", "inspect", "--format", "{{.ID}}", "cp2"))+".pid")
	t.Logf("pasta of pod cp2 (two members): %s", u.sb.Run(t, "grep", "VmRSS", "/proc/"+pid+"/status"))
	if cg := u.sb.Run(t, "cat", "/proc/"+pid+"/cgroup"); !strings.Contains(cg, "/podunit-pasta-") || strings.Contains(cg, "podunit-m1.service") {
		t.Errorf("the pod's pasta is in cgroup %q, want a scope of its own (not the first member's unit)", cg)
	}
	var nets []string
	for _, m := range []string{"m1", "m2"} {
		own := filepath.Join("/run/user", u.uid, "containers/podunit/pasta", u.field(m, "{{.Id}}")+".pid")
		if _, _, code, _ := u.sb.Exec("test", "-e", own); code == 0 {
			t.Errorf("pod member %s has a pasta of its own", m)
		}
		nets = append(nets, u.sb.Run(t, "readlink", "/proc/"+u.field(m, "{{.State.Pid}}")+"/ns/net"))
	}
	if nets[0] != nets[1] {
		t.Errorf("the pod's members are in network namespaces %q", nets)
	}
	u.must("stop", "-t", "1", "m1") // its unit's end, Cleanup included
	if st, _, code, _ := u.sb.Exec("grep", "^State:", "/proc/"+pid+"/status"); code != 0 || strings.Contains(st, "zombie") {
		t.Errorf("stopping m1, which started it, ended the pod's pasta while m2 runs")
	}
	return pid
}
