package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestNetwork runs bridge networks, published ports and their teardown in
// a sandbox with a network namespace of its own: every bridge, veth and
// iptables rule lives there, and all traffic stays inside it.
func TestNetwork(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{Net: true})
	e := newEnv(t, sb, "crun")
	e.image()
	before := netSnapshot(e)
	e.must("network", "create", "webnet")
	e.must("network", "create", "--internal", "intnet")
	t.Run("ls inspect exists", func(t *testing.T) { checkNetworkVerbs(t, e) })
	t.Run("http by address and by name on a user network", func(t *testing.T) { checkNetworkHTTP(t, e) })
	t.Run("an internal network cannot reach the host", func(t *testing.T) { checkNetworkInternal(t, e) })
	t.Run("a published port reaches the container", func(t *testing.T) { checkNetworkPublish(t, e) })
	t.Run("a pod's published port reaches its member", func(t *testing.T) { checkNetworkPodPublish(t, e) })
	t.Run("a pod whose unit fails says why; its members stay created", func(t *testing.T) { checkNetworkPodUnitFails(t, e) })
	t.Run("the default bridge is made on first use", func(t *testing.T) { checkNetworkDefault(t, e) })
	t.Run("a used bridge is kept: a run -p does only its own firewall work", func(t *testing.T) { checkNetworkKeeper(t, e) })
	t.Run("none, host and container:NAME", func(t *testing.T) { checkNetworkModes(t, e) })
	t.Run("rm and network rm leave nothing behind", func(t *testing.T) { checkNetworkTeardown(t, e, before) })
	t.Run("system prune --filter on networks", func(t *testing.T) { checkSystemPruneNetworks(t, e) })
}

// httpd is a container script serving text at / on port 80.
func httpd(text string) string {
	return "mkdir -p /www && echo " + text + " > /www/index.html && exec httpd -f -p 80 -h /www"
}

// fetch is a shell command that fetches url (busybox wget's -T crashes:
// timeout bounds it instead).
func fetch(url string) string { return "timeout 5 wget -qO- " + url }

func ipOf(e *env, name string) string {
	e.t.Helper()
	out := e.must("exec", name, "sh", "-c", "ip -4 -o addr show eth0")
	m := regexp.MustCompile(`inet (\d+\.\d+\.\d+\.\d+)/`).FindStringSubmatch(out)
	if m == nil {
		e.t.Fatalf("no IPv4 address on %s's eth0: %q", name, out)
	}
	return m[1]
}

func checkNetworkVerbs(t *testing.T, e *env) {
	e = e.on(t)
	if got := e.must("network", "ls", "--format", "{{.Name}} {{.Driver}}"); got != "intnet bridge\nwebnet bridge\n" {
		t.Fatalf("network ls: %q", got)
	}
	if got := e.must("network", "ls", "-q", "--filter", "name=^web"); got != "webnet\n" {
		t.Fatalf("network ls -q --filter name=^web: %q", got)
	}
	if got := e.must("network", "inspect", "--format", "{{.Internal}} {{range .Subnets}}{{.Gateway}}{{end}}", "intnet"); !strings.HasPrefix(got, "true 10.89.") {
		t.Fatalf("network inspect intnet: %q", got)
	}
	if r := e.run("network", "exists", "nosuch"); r.code != 1 {
		t.Fatalf("network exists nosuch: exit %d", r.code)
	}
	e.must("network", "exists", "webnet")
	e.must("network", "create", "--ignore", "webnet")
	if r := e.run("network", "create", "webnet"); r.code == 0 {
		t.Fatal("network create of an existing name succeeded")
	}
}

func checkNetworkHTTP(t *testing.T, e *env) {
	e = e.on(t)
	e.must("run", "-d", "--name", "srv", "--network", "webnet", "bb", "sh", "-c", httpd("hello-srv"))
	ip := ipOf(e, "srv")
	e.must("run", "-d", "--name", "cli", "--network", "webnet", "bb", "sleep", "600")
	eventually(t, 10*time.Second, "cli to fetch from srv by address and by name", func() bool {
		r := e.run("exec", "cli", "sh", "-c", fetch("http://"+ip+"/")+" && "+fetch("http://srv/"))
		return r.code == 0 && strings.Count(r.out, "hello-srv") == 2
	})
	// srv started first: its hosts file learnt cli's name when cli started.
	if hosts := e.must("exec", "srv", "cat", "/etc/hosts"); !strings.Contains(hosts, ipOf(e, "cli")+"\t") || !strings.Contains(hosts, "cli") {
		t.Fatalf("srv's /etc/hosts does not name cli:\n%s", hosts)
	}
	out := e.must("run", "--rm", "--network", "webnet", "bb", "sh", "-c", fetch("http://srv/"))
	if !strings.Contains(out, "hello-srv") {
		t.Fatalf("an attached --rm container fetched %q", out)
	}
	e.must("rm", "-f", "-t", "0", "cli")
	if hosts := e.must("exec", "srv", "cat", "/etc/hosts"); strings.Contains(hosts, "cli") {
		t.Fatalf("srv's /etc/hosts still names cli after its removal:\n%s", hosts)
	}
}

// checkNetworkInternal serves from the sandbox's own namespace on every
// address and fetches it through webnet's gateway: from webnet it works,
// from intnet (no route, no bridge address) it must not.
func checkNetworkInternal(t *testing.T, e *env) {
	e = e.on(t)
	dir := harness.TempDir(t)
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("host-listener\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv := e.sb.Command(ctx, "busybox", "httpd", "-f", "-p", "0.0.0.0:18099", "-h", dir)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = srv.Wait() })
	gw := strings.TrimSpace(e.must("network", "inspect", "--format", "{{range .Subnets}}{{.Gateway}}{{end}}", "webnet"))
	intGW := strings.TrimSpace(e.must("network", "inspect", "--format", "{{range .Subnets}}{{.Gateway}}{{end}}", "intnet"))
	url := "http://" + gw + ":18099/"
	eventually(t, 10*time.Second, "a webnet container to reach the host's listener (control)", func() bool {
		r := e.run("run", "--rm", "--network", "webnet", "bb", "sh", "-c", fetch(url))
		return r.code == 0 && strings.Contains(r.out, "host-listener")
	})
	for _, u := range []string{url, "http://" + intGW + ":18099/"} {
		r := e.run("run", "--rm", "--network", "intnet", "bb", "sh", "-c", fetch(u))
		if r.code == 0 || strings.Contains(r.out, "host-listener") {
			t.Fatalf("an intnet container reached the host at %s: exit %d, %q", u, r.code, r.out)
		}
	}
	if routes := e.must("run", "--rm", "--network", "intnet", "bb", "sh", "-c", "ip route"); strings.Contains(routes, "default") {
		t.Fatalf("an intnet container has a default route:\n%s", routes)
	}
}

func sandboxFetch(e *env, url string) (string, bool) {
	out, _, code, err := e.sb.Exec("busybox", "timeout", "5", "busybox", "wget", "-qO-", url)
	return out, err == nil && code == 0
}

func checkNetworkPublish(t *testing.T, e *env) {
	e = e.on(t)
	e.must("run", "-d", "--name", "pub", "--network", "webnet", "-p", "127.0.0.1:18080:80", "bb", "sh", "-c", httpd("hello-pub"))
	if got := e.must("port", "pub"); got != "80/tcp -> 127.0.0.1:18080\n" {
		t.Fatalf("port pub: %q", got)
	}
	if got := e.must("ps", "--filter", "name=^pub$", "--format", "{{.Ports}}"); got != "127.0.0.1:18080->80/tcp\n" {
		t.Fatalf("ps PORTS: %q", got)
	}
	got := e.field("pub", `{{.NetworkSettings.IPAddress}} {{range $p, $b := .NetworkSettings.Ports}}{{$p}}={{(index $b 0).HostPort}}{{end}}`)
	if !regexp.MustCompile(`^10\.89\.\d+\.\d+ 80/tcp=18080$`).MatchString(got) {
		t.Fatalf("inspect NetworkSettings: %q", got)
	}
	eventually(t, 10*time.Second, "127.0.0.1:18080 to answer from the sandbox", func() bool {
		out, ok := sandboxFetch(e, "http://127.0.0.1:18080/")
		return ok && strings.Contains(out, "hello-pub")
	})
	if r := e.run("run", "--rm", "--network", "none", "-p", "18085:80", "bb", "true"); r.code != 125 {
		t.Fatalf("-p with --network none: exit %d, want 125", r.code)
	}
}

func checkNetworkPodPublish(t *testing.T, e *env) {
	e = e.on(t)
	e.sb.DumpOnFailure(t, "ppod-pod.service")
	e.must("pod", "create", "--name", "ppod", "--network", "webnet", "-p", "127.0.0.1:18081:80")
	e.must("create", "--pod", "ppod", "--name", "ppod-web", "bb", "sh", "-c", httpd("hello-pod"))
	e.must("create", "--pod", "ppod", "--name", "ppod-idle", "bb", "sleep", "600")
	e.must("pod", "start", "ppod")
	eventually(t, 10*time.Second, "127.0.0.1:18081 to answer from the pod's member", func() bool {
		out, ok := sandboxFetch(e, "http://127.0.0.1:18081/")
		return ok && strings.Contains(out, "hello-pod")
	})
	if got := e.must("port", "ppod-idle"); got != "80/tcp -> 127.0.0.1:18081\n" {
		t.Fatalf("port ppod-idle: %q", got)
	}
	// ps shows the pod's ports on its members, which publish through it
	if got := e.must("ps", "--filter", "name=^ppod-idle$", "--format", "{{.Ports}} {{.PodName}} {{.Networks}}"); got != "127.0.0.1:18081->80/tcp ppod webnet\n" {
		t.Fatalf("ps PORTS of a pod member: %q", got)
	}
	out := e.must("run", "--rm", "--network", "webnet", "bb", "sh", "-c", fetch("http://ppod-web/"))
	if !strings.Contains(out, "hello-pod") {
		t.Fatalf("fetching the pod member by name: %q", out)
	}
	if r := e.run("create", "--pod", "ppod", "--network", "webnet", "bb", "true"); r.code != 125 {
		t.Fatalf("--network on a pod member: exit %d, want 125", r.code)
	}
}

// checkNetworkPodUnitFails starts a pod whose own unit fails (its address
// is another container's): pod start and start of a member report the
// unit's reason, not systemd's "job failed" or the members' "dependency";
// no member ran or keeps a unit; once the address is free, the pod starts.
func checkNetworkPodUnitFails(t *testing.T, e *env) {
	e = e.on(t)
	e.must("network", "create", "--subnet", "10.93.0.0/24", "failnet")
	t.Cleanup(func() {
		e.run("pod", "rm", "-f", "-t", "0", "pfail")
		e.run("rm", "-f", "-t", "0", "pfail-holder")
		e.run("network", "rm", "failnet")
	})
	e.must("run", "-d", "--name", "pfail-holder", "--network", "failnet", "--ip", "10.93.0.5", "bb", "sleep", "600")
	e.must("pod", "create", "--name", "pfail", "--network", "failnet", "--ip", "10.93.0.5")
	for _, m := range []string{"pfail-a", "pfail-b"} {
		e.must("create", "--pod", "pfail", "--name", m, "bb", "sleep", "600")
	}
	want := `pod "pfail": network "failnet": address 10.93.0.5 is taken`
	for _, args := range [][]string{{"pod", "start", "pfail"}, {"start", "pfail-b"}} {
		r := e.run(args...)
		if r.code != 125 || !strings.Contains(r.err, want) || strings.Contains(r.err, "dependency") || strings.Contains(r.err, "pfail-a") {
			t.Fatalf("%s: exit %d, stderr %q; want 125 and %q", strings.Join(args, " "), r.code, r.err, want)
		}
	}
	for _, m := range []string{"pfail-a", "pfail-b"} {
		if st := e.field(m, "{{.State.Status}}"); st != "created" {
			t.Errorf("%s after the failed starts: %s, want created", m, st)
		}
	}
	if units := e.sh("systemctl list-units --all --plain --no-legend podunit-pfail-a.service podunit-pfail-b.service pfail-pod.service"); strings.TrimSpace(units) != "" {
		t.Errorf("units left by the failed starts:\n%s", units)
	}
	e.must("rm", "-f", "-t", "0", "pfail-holder")
	e.must("pod", "start", "pfail")
	for _, m := range []string{"pfail-a", "pfail-b"} {
		if st := e.field(m, "{{.State.Status}}"); st != "running" {
			t.Errorf("%s after the pod started: %s, want running", m, st)
		}
	}
}

func checkNetworkDefault(t *testing.T, e *env) {
	e = e.on(t)
	out := e.must("run", "--rm", "--network", "bridge", "bb", "sh", "-c", "ip -4 -o addr show eth0")
	if !strings.Contains(out, "inet 10.89.0.") {
		t.Fatalf("a container on the default bridge: %q", out)
	}
	if got := e.must("network", "inspect", "--format", "{{.NetworkInterface}} {{range .Subnets}}{{.Subnet}}{{end}}", "podunit"); got != "podunit0 10.89.0.0/24\n" {
		t.Fatalf("the default network: %q", got)
	}
}

func checkNetworkTeardown(t *testing.T, e *env, before string) {
	e = e.on(t)
	if r := e.run("network", "rm", "webnet"); r.code == 0 || !strings.Contains(r.err, "srv") {
		t.Fatalf("network rm of a network in use: exit %d, %q", r.code, r.err)
	}
	e.removeAll()
	e.must("pod", "rm", "-f", "-t", "0", "ppod")
	e.must("network", "rm", "webnet", "intnet", "podunit")
	if after := netSnapshot(e); after != before {
		t.Fatalf("the sandbox's network is not as before:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// netSnapshot is what the networks leave in the sandbox: the iptables and
// ip6tables rules and non-builtin chains, the links, the leases and the
// aardvark-dns processes.
func netSnapshot(e *env) string {
	var keep []string
	for _, l := range strings.Split(e.sh("iptables-save 2>/dev/null; ip6tables-save 2>/dev/null; true"), "\n") {
		if strings.HasPrefix(l, "-A ") || (strings.HasPrefix(l, ":") && strings.Contains(l, " - [")) {
			keep = append(keep, l)
		}
	}
	slices.Sort(keep)
	links := e.sh("ip -o link | awk '{print $2}'")
	leases := e.sh("find " + filepath.Join(e.dir, "run", "podunit", "netavark", "leases") + " -type f 2>/dev/null || true")
	aardvark := e.sh("pgrep -a aardvark-dns || true")
	return "rules:\n" + strings.Join(keep, "\n") + "\nlinks:\n" + links + "leases:\n" + leases + "aardvark-dns:\n" + aardvark
}

func checkNetworkModes(t *testing.T, e *env) {
	e = e.on(t)
	links := e.must("run", "--rm", "--network", "none", "bb", "sh", "-c", "ls /sys/class/net")
	if strings.Fields(links)[0] != "lo" || len(strings.Fields(links)) != 1 {
		t.Errorf("--network none has interfaces %q, want only lo", links)
	}
	hostNS := strings.TrimSpace(e.sh("readlink /proc/self/ns/net"))
	if got := netNS(e.must("run", "--rm", "--network", "host", "bb", "ls", "-l", "/proc/self/ns/net")); got != hostNS {
		t.Errorf("--network host is in %s, the host is in %s", got, hostNS)
	}
	e.must("run", "-d", "--name", "nsbase", "--network", "webnet", "bb", "sleep", "600")
	baseNS := strings.TrimSpace(e.sh("readlink /proc/" + e.field("nsbase", "{{.State.Pid}}") + "/ns/net"))
	if got := netNS(e.must("run", "--rm", "--network", "container:nsbase", "bb", "ls", "-l", "/proc/self/ns/net")); got != baseNS || got == hostNS {
		t.Errorf("--network container:nsbase is in %s, nsbase in %s", got, baseNS)
	}
	e.must("rm", "-f", "-t", "0", "nsbase")
}

// netNS picks "net:[N]" out of ls -l or readlink output.
func netNS(out string) string { return regexp.MustCompile(`net:\[\d+\]`).FindString(out) }
