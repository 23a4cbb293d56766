package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestNetworkMacvlan runs macvlan networks, static routes, no_default_route,
// aardvark-dns's DNS keeper and network prune in a sandbox with a network namespace of its own. The
// macvlan parent is a veth pair made there: this machine's kernel has no
// dummy (nor ipvlan) link type.
func TestNetworkMacvlan(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{Net: true})
	e := newEnv(t, sb, "crun")
	e.image()
	e.sh("ip link add par0 type veth peer name par0p && ip link set par0 up && ip link set par0p up")
	before := netSnapshot(e)
	t.Run("two containers on a macvlan network reach each other", func(t *testing.T) { checkMacvlan(t, e) })
	t.Run("ipvlan and DHCP are refused at create: netavark 1.4 lacks them", func(t *testing.T) {
		e := e.on(t)
		r := e.run("network", "create", "-d", "ipvlan", "-o", "parent=par0", "--subnet", "192.168.78.0/24", "ivnet")
		if r.code != 125 || !strings.Contains(r.err, "netavark 1.5") {
			t.Fatalf("network create -d ipvlan: exit %d, %q", r.code, r.err)
		}
		if r := e.run("network", "exists", "ivnet"); r.code != 1 {
			t.Fatalf("a refused ipvlan network was kept: exit %d", r.code)
		}
		// Podman takes a subnet-less macvlan's addresses by DHCP: netavark 1.4 has no DHCP proxy
		if r := e.run("network", "create", "-d", "macvlan", "-o", "parent=par0", "dhcpnet"); r.code != 125 || !strings.Contains(r.err, "DHCP") {
			t.Fatalf("network create -d macvlan without --subnet: exit %d, %q", r.code, r.err)
		}
		if r := e.run("network", "create", "-d", "macvlan", "-o", "parent=par0", "--ipam-driver", "dhcp", "dhcpnet"); r.code != 125 || !strings.Contains(r.err, "--ipam-driver dhcp") {
			t.Fatalf("network create -d macvlan --ipam-driver dhcp: exit %d, %q", r.code, r.err)
		}
		// info lists the drivers create takes
		if got := e.must("info", "--format", "{{.Plugins.Network}}"); got != "[bridge macvlan]\n" {
			t.Fatalf("info's network plugins: %q", got)
		}
	})
	t.Run("--route and no_default_route reach the container", func(t *testing.T) { checkRoutes(t, e) })
	t.Run("network prune keeps the used, the default and the filtered out", func(t *testing.T) { checkNetworkPrune(t, e) })
	t.Run("rm -f and network rm leave nothing behind", func(t *testing.T) {
		e := e.on(t)
		e.removeAll()
		e.must("network", "rm", "mvnet", "podunit")
		if after := netSnapshot(e); after != before {
			t.Fatalf("the sandbox's network is not as before:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}

// checkMacvlan: two containers on a macvlan network (bridge mode) on par0
// get addresses of its subnet on a macvlan link of par0, ping each other
// and have the network's static route; in private mode the same ping fails.
func checkMacvlan(t *testing.T, e *env) {
	e = e.on(t)
	e.must("network", "create", "-d", "macvlan", "-o", "parent=par0", "--subnet", "192.168.77.0/24",
		"--route", "10.1.0.0/24,192.168.77.10,5", "mvnet")
	got := e.must("network", "inspect", "--format", "{{.Driver}} {{.NetworkInterface}} {{.DNSEnabled}} {{len .Options}}", "mvnet")
	if got != "macvlan par0 false 0\n" {
		t.Fatalf("network inspect mvnet: %q", got)
	}
	js := strings.Join(strings.Fields(e.must("network", "inspect", "mvnet")), " ")
	if want := `"routes": [ { "destination": "10.1.0.0/24", "gateway": "192.168.77.10", "metric": 5 } ]`; !strings.Contains(js, want) {
		t.Fatalf("network inspect mvnet lacks %s:\n%s", want, js)
	}
	e.must("run", "-d", "--name", "mv1", "--network", "mvnet", "--ip", "192.168.77.10", "bb", "sleep", "600")
	e.must("run", "-d", "--name", "mv2", "--network", "mvnet", "--cap-add", "NET_RAW", "bb", "sleep", "600")
	parent, _, _ := strings.Cut(e.sh("ip -o link show par0"), ":") // the sandbox's /sys shows the host's links
	link := e.must("exec", "mv2", "sh", "-c", "ip -o link show eth0; ip -4 -o addr show eth0; ip route")
	if !strings.Contains(link, "eth0@if"+parent+":") || !regexp.MustCompile(`inet 192\.168\.77\.\d+/24`).MatchString(link) {
		t.Fatalf("mv2's eth0 is no macvlan of par0 (ifindex %s) in 192.168.77.0/24:\n%s", parent, link)
	}
	if !regexp.MustCompile(`10\.1\.0\.0/24 via 192\.168\.77\.10 dev eth0 +metric 5`).MatchString(link) {
		t.Errorf("mv2 lacks mvnet's route to 10.1.0.0/24:\n%s", link)
	}
	eventually(t, 10*time.Second, "mv2 to ping mv1 on mvnet", func() bool {
		return e.run("exec", "mv2", "sh", "-c", "ping -c 1 -W 1 192.168.77.10").code == 0
	})
	e.must("network", "create", "-d", "macvlan", "--interface-name", "par0", "-o", "mode=private", "--subnet", "192.168.79.0/24", "mvpriv")
	e.must("run", "-d", "--name", "mp1", "--network", "mvpriv", "--ip", "192.168.79.10", "bb", "sleep", "600")
	out := e.run("run", "--rm", "--network", "mvpriv", "--cap-add", "NET_RAW", "bb", "sh", "-c", "ping -c 2 -W 1 192.168.79.10")
	if out.code == 0 {
		t.Errorf("a private-mode macvlan reached its sibling:\n%s", out.out)
	}
	e.must("rm", "-f", "-t", "0", "mp1")
}

func checkRoutes(t *testing.T, e *env) {
	e = e.on(t)
	e.must("network", "create", "--subnet", "10.66.0.0/24", "--subnet", "fd66::/64", "--route", "10.2.0.0/16,10.66.0.9",
		"--route", "fd99::/64,fd66::9,7", "-o", "no_default_route=1", "nodef")
	out := e.must("run", "--rm", "--network", "nodef", "bb", "sh", "-c", "ip route; ip -6 route")
	for _, want := range []string{`10\.2\.0\.0/16 via 10\.66\.0\.9 dev eth0`, `fd99::/64 via fd66::9 dev eth0 +metric 7`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("no route %s in a container on nodef:\n%s", want, out)
		}
	}
	if strings.Contains(out, "default") {
		t.Errorf("no_default_route=1, yet a default route:\n%s", out)
	}
	// nodef has DNS: its keeper line holds aardvark-dns past its last container
	pid := strings.TrimSpace(e.sh("pgrep -x aardvark-dns || true"))
	if pid == "" {
		t.Errorf("aardvark-dns stopped with nodef's last container")
	}
	for _, argv := range tracedExecs(e, "run", "--rm", "--network", "nodef", "bb", "true") {
		if strings.HasSuffix(argv[0], "aardvark-dns") {
			t.Errorf("a run --rm on nodef started aardvark-dns again: %s", strings.Join(argv, " "))
		}
	}
	if again := strings.TrimSpace(e.sh("pgrep -x aardvark-dns || true")); again != pid {
		t.Errorf("aardvark-dns was pid %s, is %q after another run --rm", pid, again)
	}
	if out := e.must("run", "--rm", "--network", "bridge", "bb", "sh", "-c", "ip route"); !strings.Contains(out, "default via 10.89.0.1") {
		t.Errorf("the default network lost its default route (control):\n%s", out)
	}
	if r := e.run("network", "create", "--route", "10.3.0.0/24,10.99.0.1", "badroute"); r.code != 125 || !strings.Contains(r.err, "10.99.0.1") {
		t.Errorf("a route through a gateway outside the subnets: exit %d, %q", r.code, r.err)
	}
}

// checkNetworkPrune: the filters choose among the unused networks; the
// used one (mvnet) and the default (made by checkRoutes) always stay.
func checkNetworkPrune(t *testing.T, e *env) {
	e = e.on(t)
	e.must("network", "create", "--label", "keep=no", "prunea")
	e.must("network", "create", "--label", "keep=yes", "pruneb")
	if got := e.must("network", "prune", "-f", "--filter", "until=1h"); got != "" {
		t.Fatalf("prune --filter until=1h removed networks made just now: %q", got)
	}
	if got := e.must("network", "prune", "-f", "--filter", "label=keep=no"); got != "prunea\n" {
		t.Fatalf("prune --filter label=keep=no: %q", got)
	}
	if got := e.must("network", "prune", "-f", "--filter", "label!=keep=yes"); got != "mvpriv\nnodef\n" {
		t.Fatalf("prune --filter label!=keep=yes: %q", got)
	}
	if got := e.must("network", "prune", "-f"); got != "pruneb\n" {
		t.Fatalf("prune -f: %q", got)
	}
	if got := e.must("network", "ls", "--format", "{{.Name}}"); got != "mvnet\npodunit\n" {
		t.Fatalf("after prune: %q", got)
	}
	if r := e.run("network", "prune", "-f", "--filter", "name=mvnet"); r.code != 125 || !strings.HasPrefix(r.err, "Error: ") {
		t.Fatalf("prune --filter name=: exit %d, %q", r.code, r.err)
	}
}
