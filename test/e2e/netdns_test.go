package e2e

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestNetworkDNS runs names through aardvark-dns, IPv6, connect and
// disconnect, reload and the name flags in a sandbox with a network
// namespace of its own, and requires that nothing is left afterwards.
func TestNetworkDNS(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{Net: true})
	e := newEnv(t, sb, "crun")
	e.image()
	before := netSnapshot(e)
	e.must("network", "create", "appnet")
	t.Run("aardvark-dns outlives the container that started it", func(t *testing.T) { checkAardvarkScope(t, e) })
	t.Run("a container reaches another by name and by alias", func(t *testing.T) { checkDNSNames(t, e) })
	t.Run("a pod member reaches another pod by its name", func(t *testing.T) { checkDNSPods(t, e) })
	t.Run("an IPv6 network gives addresses that ping", func(t *testing.T) { checkIPv6(t, e) })
	t.Run("connect adds a routed interface, disconnect removes it", func(t *testing.T) { checkConnect(t, e) })
	t.Run("reload restores the rules after a flush", func(t *testing.T) { checkReload(t, e) })
	t.Run("dns, dns-search, dns-option, add-host, no-hosts", func(t *testing.T) { checkNameFlags(t, e) })
	t.Run("network create's flags show in inspect and at work", func(t *testing.T) { checkNetworkKeys(t, e) })
	t.Run("--ip, --ip6 and --mac-address for containers and pods", func(t *testing.T) { checkStaticAddresses(t, e) })
	t.Run("rm -f finishes when the interface is gone already", func(t *testing.T) {
		e := e.on(t)
		e.must("run", "-d", "--name", "gone", "--network", "appnet", "--cap-add", "NET_ADMIN", "bb", "sleep", "600")
		e.must("exec", "gone", "sh", "-c", "ip link del eth0")
		e.must("rm", "-f", "-t", "0", "gone")
	})
	t.Run("disconnect takes its ports along; rm -f unpins a container without networks", func(t *testing.T) {
		e := e.on(t)
		id := strings.TrimSpace(e.must("run", "-d", "--name", "lone", "--network", "appnet", "-p", "127.0.0.1:18096:80", "bb", "sleep", "600"))
		e.must("network", "connect", "connnet", "lone")
		e.must("network", "disconnect", "connnet", "lone")
		e.must("network", "disconnect", "appnet", "lone")
		if rules := e.sh("iptables-save -t nat | grep -c 18096; true"); strings.TrimSpace(rules) != "0" {
			t.Fatalf("port 18096 is still forwarded after its network was disconnected:\n%s", e.sh("iptables-save -t nat"))
		}
		e.must("rm", "-f", "-t", "0", "lone")
		if left := e.sh("ls -d " + filepath.Join(e.runDir(), "podunit", "netns", id) + " 2>/dev/null; true"); left != "" {
			t.Fatalf("the namespace pin outlives the container: %s", left)
		}
	})
	t.Run("rm -f and network rm leave nothing behind", func(t *testing.T) {
		e := e.on(t)
		e.removeAll()
		for _, p := range []string{"dbpod", "clipod", "ippod"} {
			e.must("pod", "rm", "-f", "-t", "0", p)
		}
		e.must("network", "rm", "appnet", "sixnet", "connnet", "survnet", "keysnet", "quietnet")
		if after := netSnapshot(e); after != before {
			t.Fatalf("the sandbox's network is not as before:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}

// lookup asks the container's first name server (aardvark-dns) for name
// and returns the addresses answered.
func lookup(e *env, ctr, name string) []string {
	r := e.run("exec", ctr, "sh", "-c", "nslookup "+name) // sh runs busybox's applets
	if r.code != 0 {
		e.t.Logf("nslookup %s in %s: exit %d: %s%s", name, ctr, r.code, r.out, r.err)
		return nil
	}
	_, answer, _ := strings.Cut(r.out, "Name:")
	return regexp.MustCompile(`Address:\s*([0-9a-f.:]+)`).FindAllString(answer, -1)
}

func checkDNSNames(t *testing.T, e *env) {
	e = e.on(t)
	e.must("run", "-d", "--name", "db", "--network", "appnet", "--network-alias", "database", "bb", "sh", "-c", httpd("hello-db"))
	e.must("run", "-d", "--name", "web", "--network", "appnet", "bb", "sleep", "600")
	dbIP := ipOf(e, "db")
	gw := strings.TrimSpace(e.must("network", "inspect", "--format", "{{range .Subnets}}{{.Gateway}}{{end}}", "appnet"))
	if resolv := e.must("exec", "web", "cat", "/etc/resolv.conf"); !strings.Contains(resolv, "nameserver "+gw+"\n") || !strings.Contains(resolv, "dns.podman") {
		t.Fatalf("web's resolv.conf does not name aardvark-dns at %s:\n%s", gw, resolv)
	}
	for _, name := range []string{"db", "database"} {
		eventually(t, 10*time.Second, "aardvark-dns to answer "+name, func() bool {
			got := lookup(e, "web", name)
			return len(got) == 1 && strings.HasSuffix(got[0], " "+dbIP) || len(got) == 1 && strings.HasSuffix(got[0], dbIP)
		})
	}
	if hosts := e.must("exec", "web", "cat", "/etc/hosts"); strings.Contains(hosts, "database") {
		t.Fatalf("the alias is in web's hosts file: the DNS check proves nothing:\n%s", hosts)
	}
	out := e.must("exec", "web", "sh", "-c", fetch("http://database/")+" && "+fetch("http://db/"))
	if strings.Count(out, "hello-db") != 2 {
		t.Fatalf("web fetched %q from database and db", out)
	}
	if got := e.must("network", "inspect", "--format", "{{range $id, $c := .Containers}}{{$c.Name}} {{end}}", "appnet"); got != "db web \n" && got != "web db \n" {
		t.Fatalf("network inspect's containers: %q", got)
	}
}

func checkDNSPods(t *testing.T, e *env) {
	e = e.on(t)
	e.must("pod", "create", "--name", "dbpod", "--network", "appnet")
	e.must("create", "--pod", "dbpod", "--name", "dbpod-srv", "bb", "sh", "-c", httpd("hello-dbpod"))
	e.must("pod", "start", "dbpod")
	e.must("pod", "create", "--name", "clipod", "--network", "appnet")
	e.must("create", "--pod", "clipod", "--name", "clipod-cli", "bb", "sleep", "600")
	e.must("pod", "start", "clipod")
	eventually(t, 10*time.Second, "aardvark-dns to answer dbpod to clipod-cli", func() bool { return len(lookup(e, "clipod-cli", "dbpod")) == 1 })
	eventually(t, 10*time.Second, "clipod-cli to fetch from dbpod by name", func() bool {
		r := e.run("exec", "clipod-cli", "sh", "-c", fetch("http://dbpod/"))
		return r.code == 0 && strings.Contains(r.out, "hello-dbpod")
	})
}

func ip6Of(e *env, name string) string {
	e.t.Helper()
	out := e.must("exec", name, "sh", "-c", "ip -6 -o addr show eth0 scope global")
	m := regexp.MustCompile(`inet6 ([0-9a-f:]+)/`).FindStringSubmatch(out)
	if m == nil {
		e.t.Fatalf("no global IPv6 address on %s's eth0: %q", name, out)
	}
	return m[1]
}

func checkIPv6(t *testing.T, e *env) {
	e = e.on(t)
	e.must("network", "create", "--ipv6", "sixnet")
	e.must("run", "-d", "--name", "six1", "--network", "sixnet", "bb", "sleep", "600")
	e.must("run", "-d", "--name", "six2", "--network", "sixnet", "--cap-add", "NET_RAW", "bb", "sleep", "600")
	ip := ip6Of(e, "six1")
	if !strings.HasPrefix(ip, "fd00:89:") {
		t.Fatalf("six1's IPv6 address %s is not in sixnet's fd00:89:N::/64", ip)
	}
	eventually(t, 10*time.Second, "six2 to ping6 six1 at "+ip, func() bool {
		return e.run("exec", "six2", "sh", "-c", "ping -6 -c 1 -W 1 "+ip).code == 0
	})
}

func checkConnect(t *testing.T, e *env) {
	e = e.on(t)
	e.must("network", "create", "connnet")
	e.must("run", "-d", "--name", "csrv", "--network", "connnet", "bb", "sh", "-c", httpd("hello-conn"))
	e.must("run", "-d", "--name", "roam", "--network", "appnet", "bb", "sleep", "600")
	csrv := ipOf(e, "csrv")
	url := "http://" + csrv + "/"
	// networks route to each other through the host: what connect changes
	// is the way, straight out of eth1
	if route := e.must("exec", "roam", "sh", "-c", "ip route get "+csrv); !strings.Contains(route, " via ") || strings.Contains(route, "eth1") {
		t.Fatalf("before connect, roam's route to csrv: %q", route)
	}
	pid := e.field("roam", "{{.State.Pid}}")
	e.must("network", "connect", "--alias", "wanderer", "connnet", "roam")
	if got := e.field("roam", "{{.State.Pid}}"); got != pid {
		t.Fatalf("connect restarted roam: pid %s, then %s", pid, got)
	}
	if out := e.must("exec", "roam", "sh", "-c", "ip -4 -o addr show eth1"); !strings.Contains(out, "inet ") {
		t.Fatalf("roam has no address on eth1: %q", out)
	}
	if route := e.must("exec", "roam", "sh", "-c", "ip route get "+csrv); strings.Contains(route, " via ") || !strings.Contains(route, "dev eth1") {
		t.Fatalf("after connect, roam's route to csrv: %q", route)
	}
	eventually(t, 10*time.Second, "roam to fetch from csrv through eth1", func() bool {
		r := e.run("exec", "roam", "sh", "-c", fetch(url))
		return r.code == 0 && strings.Contains(r.out, "hello-conn")
	})
	eventually(t, 10*time.Second, "csrv to resolve roam's alias", func() bool { return len(lookup(e, "csrv", "wanderer")) == 1 })
	e.must("network", "disconnect", "connnet", "roam")
	if r := e.run("exec", "roam", "sh", "-c", "ip link show eth1"); r.code == 0 {
		t.Fatalf("eth1 is still there after disconnect: %q", r.out)
	}
	if route := e.must("exec", "roam", "sh", "-c", "ip route get "+csrv); strings.Contains(route, "eth1") {
		t.Fatalf("after disconnect, roam's route to csrv: %q", route)
	}
	if r := e.run("network", "connect", "nosuch", "roam"); r.code != 125 {
		t.Fatalf("connect to a missing network: exit %d", r.code)
	}
}

func checkReload(t *testing.T, e *env) {
	e = e.on(t)
	e.must("run", "-d", "--name", "rpub", "--network", "appnet", "-p", "127.0.0.1:18090:80", "bb", "sh", "-c", httpd("hello-reload"))
	answers := func() bool {
		out, ok := sandboxFetch(e, "http://127.0.0.1:18090/")
		return ok && strings.Contains(out, "hello-reload")
	}
	eventually(t, 10*time.Second, "the published port to answer", answers)
	e.sh("iptables -t nat -F NETAVARK-HOSTPORT-DNAT")
	if answers() {
		t.Fatal("the port still answers after the flush: the check proves nothing")
	}
	if got := e.must("network", "reload", "rpub"); !strings.HasPrefix(got, e.field("rpub", "{{.ID}}")) {
		t.Fatalf("network reload printed %q", got)
	}
	eventually(t, 10*time.Second, "the published port to answer after reload", answers)
	e.sh("iptables -t nat -F NETAVARK-HOSTPORT-DNAT")
	if got := e.must("network", "reload", "--all"); !strings.Contains(got, e.field("rpub", "{{.ID}}")) || !strings.Contains(got, podID(e, "dbpod")) {
		t.Fatalf("network reload --all printed %q: want rpub and pod dbpod among them", got)
	}
	eventually(t, 10*time.Second, "the published port to answer after reload --all", answers)
	eventually(t, 10*time.Second, "clipod-cli to fetch from dbpod after reload --all", func() bool {
		r := e.run("exec", "clipod-cli", "sh", "-c", fetch("http://dbpod/"))
		return r.code == 0 && strings.Contains(r.out, "hello-dbpod")
	})
}

func podID(e *env, name string) string {
	return strings.TrimSpace(e.must("pod", "inspect", "--format", "{{.ID}}", name))
}

func checkNameFlags(t *testing.T, e *env) {
	e = e.on(t)
	out := e.must("run", "--rm", "--network", "appnet", "--dns", "192.0.2.7", "--dns-search", "example.test", "--dns-option", "ndots:3",
		"--add-host", "foo;bar:192.0.2.9", "bb", "sh", "-c", "cat /etc/resolv.conf /etc/hosts")
	for _, want := range []string{"search example.test dns.podman\n", "nameserver 192.0.2.7\n", "options ndots:3\n", "192.0.2.9\tfoo bar\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("resolv.conf and hosts lack %q:\n%s", want, out)
		}
	}
	if out := e.must("run", "--rm", "--name", "nohosts", "--network", "appnet", "--no-hosts", "bb", "sh", "-c", "cat /etc/hosts 2>&1; true"); strings.Contains(out, "nohosts") {
		t.Errorf("--no-hosts still made a hosts file:\n%s", out)
	}
	if r := e.run("run", "--rm", "--add-host", "nope", "bb", "true"); r.code != 125 || !strings.Contains(r.err, "--add-host") {
		t.Errorf("a bad --add-host: exit %d, %q", r.code, r.err)
	}
}

// checkAardvarkScope starts the first container on a DNS network (so
// netavark starts aardvark-dns from its setup) and stops it: aardvark-dns
// must have been moved to a scope of its own and live on.
func checkAardvarkScope(t *testing.T, e *env) {
	e = e.on(t)
	e.must("network", "create", "survnet")
	e.must("run", "-d", "--name", "first", "--network", "survnet", "bb", "sleep", "600")
	e.must("run", "-d", "--name", "second", "--network", "survnet", "bb", "sleep", "600")
	pid := strings.TrimSpace(e.sh("pgrep -x aardvark-dns"))
	if cg := e.sh("cat /proc/" + pid + "/cgroup"); pid == "" || !strings.Contains(cg, "/podunit-aardvark-dns-") {
		t.Fatalf("aardvark-dns (pid %q) is not in a scope of its own:\n%s", pid, cg)
	}
	e.must("stop", "-t", "0", "first")
	e.must("run", "-d", "--name", "third", "--network", "survnet", "bb", "sleep", "600")
	eventually(t, 10*time.Second, "third to resolve second", func() bool { return len(lookup(e, "third", "second")) == 1 })
	if again := strings.TrimSpace(e.sh("pgrep -x aardvark-dns")); again != pid {
		t.Fatalf("aardvark-dns was pid %s, is %q after the first container stopped", pid, again)
	}
}

func checkNetworkKeys(t *testing.T, e *env) {
	e = e.on(t)
	e.must("network", "create", "--subnet", "10.77.0.0/24", "--gateway", "10.77.0.254", "--ip-range", "10.77.0.128/25",
		"--subnet", "fd77::/64", "--label", "tier=web", "--opt", "mtu=1400", "--opt", "isolate=true", "--dns", "192.0.2.53",
		"--interface-name", "keysbr", "keysnet")
	got := e.must("network", "inspect", "--format", "{{.NetworkInterface}} {{range .Subnets}}{{.Subnet}},{{.Gateway}},{{if .LeaseRange}}{{.LeaseRange.StartIP}}{{end}} {{end}}"+
		"{{.IPv6Enabled}} {{.Labels.tier}} {{.Options.mtu}} {{.Options.isolate}} {{.NetworkDNSServers}} {{.DNSEnabled}} {{.Internal}}", "keysnet")
	if want := "keysbr 10.77.0.0/24,10.77.0.254,10.77.0.129 fd77::/64,fd77::1, true web 1400 true [192.0.2.53] true false\n"; got != want {
		t.Fatalf("network inspect keysnet:\n got %q\nwant %q", got, want)
	}
	out := e.must("run", "--rm", "--network", "keysnet", "bb", "sh", "-c", "ip -o link show eth0; ip -4 -o addr show eth0")
	if !strings.Contains(out, "mtu 1400") || !regexp.MustCompile(`inet 10\.77\.0\.(129|1[3-9]\d|2\d\d)/24`).MatchString(out) {
		t.Fatalf("a container on keysnet: want mtu 1400 and an address from 10.77.0.128/25:\n%s", out)
	}
	e.must("network", "create", "--disable-dns", "--internal", "quietnet")
	if got := e.must("network", "inspect", "--format", "{{.DNSEnabled}} {{.Internal}} {{range .Subnets}}[{{.Gateway}}]{{end}}", "quietnet"); got != "false true [<nil>]\n" {
		t.Fatalf("network inspect quietnet: %q", got)
	}
	if resolv := e.must("run", "--rm", "--network", "quietnet", "bb", "cat", "/etc/resolv.conf"); strings.Contains(resolv, "dns.podman") {
		t.Fatalf("a container on a network without DNS names aardvark-dns:\n%s", resolv)
	}
	for _, bad := range [][]string{{"--driver", "overlay"}, {"--opt", "mtu=big"}, {"--subnet", "10.77.0.0/25"}, {"--gateway", "10.1.1.1"}} {
		if r := e.run(append(append([]string{"network", "create"}, bad...), "badnet")...); r.code != 125 || !strings.HasPrefix(r.err, "Error: ") {
			t.Errorf("network create %v: exit %d, %q", bad, r.code, r.err)
		}
	}
	if r := e.run("network", "exists", "badnet"); r.code != 1 {
		t.Errorf("a refused network create left badnet behind")
	}
}

func checkStaticAddresses(t *testing.T, e *env) {
	e = e.on(t)
	out := e.must("run", "--rm", "--network", "keysnet", "--ip", "10.77.0.150", "--ip6", "fd77::150", "--mac-address", "02:00:00:00:00:42",
		"bb", "sh", "-c", "ip -o addr show eth0; ip -o link show eth0")
	for _, want := range []string{"inet 10.77.0.150/24", "inet6 fd77::150/64", "link/ether 02:00:00:00:00:42"} {
		if !strings.Contains(out, want) {
			t.Errorf("a container with --ip, --ip6, --mac-address lacks %q:\n%s", want, out)
		}
	}
	e.must("pod", "create", "--name", "ippod", "--network", "keysnet", "--ip", "10.77.0.201", "--ip6", "fd77::201")
	e.must("create", "--pod", "ippod", "--name", "ippod-m", "bb", "sleep", "600")
	e.must("pod", "start", "ippod")
	out = e.must("exec", "ippod-m", "sh", "-c", "ip -o addr show eth0")
	if !strings.Contains(out, "inet 10.77.0.201/24") || !strings.Contains(out, "inet6 fd77::201/64") {
		t.Errorf("a member of a pod with --ip and --ip6:\n%s", out)
	}
	if r := e.run("create", "--name", "badip", "--network", "keysnet", "--ip", "10.99.0.1", "bb", "true"); r.code != 125 || !strings.Contains(r.err, "10.99.0.1") {
		t.Errorf("--ip outside the subnets: exit %d, %q", r.code, r.err)
	}
	if r := e.run("container", "exists", "badip"); r.code != 1 {
		t.Errorf("a refused create left container badip behind: exit %d", r.code)
	}
	if r := e.run("run", "--rm", "--network", "none", "--ip", "10.77.0.9", "bb", "true"); r.code != 125 {
		t.Errorf("--ip with --network none: exit %d, %q", r.code, r.err)
	}
}
