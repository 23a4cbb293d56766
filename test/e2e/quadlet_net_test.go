package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// quadletNetFiles exercise every network key of .network, .pod and
// .container files, and a .volume's Copy=, in one boot.
var quadletNetFiles = map[string]string{
	"edge.network": "[Network]\nNetworkName=edge\nDriver=bridge\nIPAMDriver=host-local\nInterfaceName=edge0\n" +
		"Subnet=10.90.1.0/24\nGateway=10.90.1.1\nIPRange=10.90.1.128/25\nSubnet=fd00:90::/64\nIPv6=yes\n" +
		"DNS=10.90.1.53\nOptions=mtu=1400\nLabel=tier=edge\nNetworkDeleteOnStop=yes\n",
	"quiet.network": "[Network]\nNetworkName=quiet\nInternal=yes\nDisableDNS=yes\n",
	"edge.pod": "[Pod]\nPodName=edge\nNetwork=edge.network\nIP=10.90.1.20\nIP6=fd00:90::20\nNetworkAlias=gateway\n" +
		"DNS=10.90.1.53\nDNSOption=ndots:2\nDNSSearch=example.test\nAddHost=db.example.test:10.90.1.30\n",
	"edge-app.container": "[Container]\nImage=bb\nPod=edge.pod\nContainerName=edge-app\nVolume=seeded.volume:/home\n" +
		"Exec=sleep 600\nStopSignal=KILL\n",
	"api.container": "[Container]\nImage=bb\nContainerName=api\nNetwork=edge.network\nNetwork=quiet.network\n" +
		"IP=10.90.1.21\nIP6=fd00:90::21\nNetworkAlias=api-alias\nDNS=10.90.1.54\nDNSOption=timeout:3\n" +
		"DNSSearch=api.test\nAddHost=host.test:10.90.1.31\n" +
		"Volume=empty.volume:/home\nVolume=tools.volume:/tools\nExec=sleep 600\nStopSignal=KILL\n",
	"tools.volume":   "[Volume]\nVolumeName=tools\nDriver=image\nImage=bb\n",
	"tplvol@.volume": "[Volume]\nLabel=inst=%i\n",
	"lan@.network":   "[Network]\nInternal=yes\nLabel=inst=%i\n",
	"tpl@.container": "[Container]\nImage=bb\nContainerName=tpl-%i\nVolume=tplvol@%i.volume:/data\nNetwork=lan@%i.network\n" +
		"Exec=sleep 600\nStopSignal=KILL\n",
	"empty.volume": "[Volume]\nVolumeName=empty\nCopy=no\n",
	// a module and GlobalArgs= reach the network unit's podunit: the
	// network takes its subnet from the module's pool
	"pool.network":  "[Network]\nNetworkName=pooled\nContainersConfModule=/etc/podunit/systemd/pool.conf\n",
	"pool.conf":     "[network]\ndefault_subnet_pools = [{base = \"10.91.0.0/16\", size = 24}]\n",
	"gpool.network": "[Network]\nNetworkName=gpooled\nGlobalArgs=--module /etc/podunit/systemd/gpool.conf\n",
	"gpool.conf":    "[network]\ndefault_subnet_pools = [{base = \"10.92.8.0/22\", size = 26}]\n",
	"iso.network":   "[Network]\nNetworkName=iso\nOptions=isolate=true\nOptions=vlan=5\n",
	"lanmac.network": "[Network]\nNetworkName=lanmac\nDriver=macvlan\nOptions=parent=mdummy0\nSubnet=10.93.0.0/24\n" +
		"Gateway=10.93.0.1\nOptions=mode=private\n",
	"seeded.volume": "[Volume]\nVolumeName=seeded\nCopy=yes\n",
}

// TestBootQuadletNetworkKeys boots with .network, .pod, .container and
// .volume files using every network key: each value must reach the
// network, the pod or the container (inspect, addresses, resolv.conf,
// /etc/hosts, aardvark-dns), and NetworkDeleteOnStop= removes the network.
func TestBootQuadletNetworkKeys(t *testing.T) {
	t.Parallel()
	opts, host, sources := bootEnv(t)
	replaceSources(t, sources, quadletNetFiles)
	dropins := map[string]string{"container.d/10-all.conf": "[Container]\nEnvironment=FROM_DROPIN=all\n",
		"tplvol@.volume.d/10-label.conf": "[Volume]\nLabel=dropin=template\n"}
	for name, text := range dropins {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(sources, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sources, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts.Net = true
	sb := harness.Boot(t, opts)
	units := []string{"edge-pod.service", "edge-app.service", "api.service", "edge-network.service", "quiet-network.service"}
	sb.DumpOnFailure(t, units...)
	e := (&defaultEnv{t: t, sb: sb, bin: host.bin}).env()
	sb.Run(t, "systemctl", "start", "edge-pod.service", "api.service")
	sb.WaitActive(t, "edge-app.service", "active", 30*time.Second)
	sb.WaitActive(t, "api.service", "active", 30*time.Second)
	t.Run("network keys", func(t *testing.T) { checkQuadletNetwork(t, e.on(t)) })
	t.Run("pod keys", func(t *testing.T) {
		checkNetKeys(t, e.on(t), "edge-app", []string{"10.90.1.20/", "fd00:90::20/"},
			[]string{"nameserver 10.90.1.53", "search example.test", "options ndots:2"}, "10.90.1.30\tdb.example.test")
		tmpl := "{{.InfraConfig.StaticIP}} {{.InfraConfig.StaticIPv6}} {{.InfraConfig.DNSServer}} {{.InfraConfig.DNSSearch}} " +
			"{{.InfraConfig.DNSOption}} {{.InfraConfig.HostAdd}} {{.InfraConfig.Networks}} {{.InfraConfig.NetworkOptions}}"
		want := "10.90.1.20 fd00:90::20 [10.90.1.53] [example.test] [ndots:2] [db.example.test:10.90.1.30] [edge] map[edge:[gateway]]\n"
		if got := e.must("pod", "inspect", "--format", tmpl, "edge"); got != want {
			t.Errorf("pod inspect InfraConfig: %q, want %q", got, want)
		}
	})
	t.Run("container keys", func(t *testing.T) {
		checkNetKeys(t, e.on(t), "api", []string{"10.90.1.21/", "fd00:90::21/"},
			[]string{"nameserver 10.90.1.54", "search api.test", "options timeout:3"}, "10.90.1.31\thost.test")
	})
	t.Run("aliases resolve through aardvark-dns", func(t *testing.T) {
		eventually(t, 10*time.Second, "edge-app to resolve api-alias and api to resolve gateway", func() bool {
			a, b := lookup(e, "edge-app", "api-alias"), lookup(e, "api", "gateway")
			return len(a) > 0 && strings.Contains(strings.Join(a, " "), "10.90.1.21") &&
				len(b) > 0 && strings.Contains(strings.Join(b, " "), "10.90.1.20")
		})
		if t.Failed() {
			t.Log(e.must("exec", "edge-app", "cat", "/etc/resolv.conf"), e.must("exec", "api", "cat", "/etc/resolv.conf"))
		}
	})
	t.Run("volume Copy= and Driver=image", func(t *testing.T) {
		if got := e.must("exec", "api", "ls", "-A", "/home"); got != "" {
			t.Errorf("Copy=no volume holds the image's /home: %q", got)
		}
		if got := e.must("exec", "edge-app", "ls", "-A", "/home"); got != "app\n" {
			t.Errorf("Copy=yes volume lacks the image's /home/app: %q", got)
		}
		if got := e.must("exec", "api", "ls", "/tools/home"); got != "app\n" {
			t.Errorf("Driver=image volume: /tools/home holds %q, want the image's app", got)
		}
	})
	t.Run("templates of .volume and .network, drop-ins", func(t *testing.T) {
		sb.Run(t, "systemctl", "start", "tpl@x.service")
		sb.WaitActive(t, "tpl@x.service", "active", 30*time.Second)
		if got := e.must("volume", "inspect", "--format", "{{.Labels.inst}} {{.Labels.dropin}}", "systemd-tplvol_x"); got != "x template\n" {
			t.Errorf("the volume template's instance x: labels %q, want inst=x and the template drop-in's", got)
		}
		if got := e.must("network", "inspect", "--format", "{{.Internal}} {{.Labels.inst}}", "systemd-lan_x"); got != "true x\n" {
			t.Errorf("the network template's instance x: %q", got)
		}
		if got := e.must("exec", "tpl-x", "sh", "-c", "echo $FROM_DROPIN"); got != "all\n" {
			t.Errorf("container.d/ drop-in: FROM_DROPIN=%q", got)
		}
		sb.Run(t, "systemctl", "stop", "tpl@x.service")
	})
	t.Run("network files: module, GlobalArgs, options, macvlan", func(t *testing.T) { checkQuadletNetworkFiles(t, e.on(t), sb) })
	t.Run("quadlet install list print rm", func(t *testing.T) { checkQuadletVerbs(t, e.on(t), sb) })
	sb.Run(t, "systemctl", "stop", "edge-pod.service", "api.service")
	sb.Run(t, "systemctl", "stop", "edge-network.service")
	if r := e.run("network", "exists", "edge"); r.code != 1 {
		t.Errorf("NetworkDeleteOnStop=yes: network edge exists after its unit stopped (exit %d)", r.code)
	}
	e.must("network", "exists", "quiet")
}

// checkQuadletNetwork reads back what the .network files set.
func checkQuadletNetwork(t *testing.T, e *env) {
	tmpl := "{{.Driver}} {{.NetworkInterface}} {{.IPv6Enabled}} {{.DNSEnabled}} {{.Internal}} {{.IPAMOptions.driver}} " +
		"{{.Options.mtu}} {{.Labels.tier}} {{range .Subnets}}{{.Subnet}},{{.Gateway}},{{with .LeaseRange}}{{.StartIP}}-{{.EndIP}}{{end}} {{end}}"
	got := strings.TrimSpace(e.must("network", "inspect", "--format", tmpl, "edge"))
	want := "bridge edge0 true true false host-local 1400 edge 10.90.1.0/24,10.90.1.1,10.90.1.129-10.90.1.254"
	if !strings.HasPrefix(got, want) || !strings.Contains(got, "fd00:90::/64") {
		t.Errorf("network edge: %q, want %q and fd00:90::/64", got, want)
	}
	if got := e.must("network", "inspect", "--format", "{{.NetworkDNSServers}}", "edge"); !strings.Contains(got, "10.90.1.53") {
		t.Errorf("network edge DNS servers: %q", got)
	}
	if got := strings.TrimSpace(e.must("network", "inspect", "--format", "{{.Internal}} {{.DNSEnabled}}", "quiet")); got != "true false" {
		t.Errorf("network quiet: Internal DNSEnabled = %q, want true false", got)
	}
}

// checkQuadletNetworkFiles starts the .network units no container needs
// and reads back what their keys set: the subnet from the pool of a
// ContainersConfModule= and of a GlobalArgs=--module, isolate and vlan
// options, and a macvlan network on a parent the test makes (a veth).
func checkQuadletNetworkFiles(t *testing.T, e *env, sb *harness.Sandbox) {
	sb.Run(t, "ip", "link", "add", "mdummy0", "type", "veth", "peer", "name", "mdummy0p") // no dummy module here
	sb.Run(t, "systemctl", "start", "pool-network.service", "gpool-network.service", "iso-network.service", "lanmac-network.service")
	subnets := "{{range .Subnets}}{{.Subnet}} {{end}}"
	for name, want := range map[string]string{
		"pooled":  "bridge 10.91.0.0/24 ",                  // ContainersConfModule=
		"gpooled": "bridge 10.92.8.0/26 ",                  // GlobalArgs=--module
		"iso":     "bridge 10.89.",                         // the default pool, options below
		"lanmac":  "macvlan mdummy0 private 10.93.0.0/24 ", // Driver=macvlan, Options=parent=, mode=
	} {
		tmpl := "{{.Driver}} " + subnets
		if name == "lanmac" {
			tmpl = "{{.Driver}} {{.NetworkInterface}} {{.Options.mode}} " + subnets
		}
		if got := e.must("network", "inspect", "--format", tmpl, name); !strings.HasPrefix(got, want) {
			t.Errorf("network %s: %q, want %q…", name, got, want)
		}
	}
	if got := e.must("network", "inspect", "--format", "{{.Options.isolate}} {{.Options.vlan}}", "iso"); got != "true 5\n" {
		t.Errorf("network iso: Options isolate vlan = %q, want true 5", got)
	}
}

// checkNetKeys reads a container's addresses, resolv.conf and hosts file.
func checkNetKeys(t *testing.T, e *env, ctr string, addrs, resolv []string, hostsLine string) {
	ip := e.must("exec", ctr, "sh", "-c", "ip addr") // sh runs busybox's applets
	for _, a := range addrs {
		if !strings.Contains(ip, a) {
			t.Errorf("%s has no address %s:\n%s", ctr, a, ip)
		}
	}
	conf := e.must("exec", ctr, "cat", "/etc/resolv.conf")
	for _, l := range resolv {
		if !strings.Contains(conf, l) {
			t.Errorf("%s's resolv.conf lacks %q:\n%s", ctr, l, conf)
		}
	}
	if hosts := e.must("exec", ctr, "cat", "/etc/hosts"); !strings.Contains(hosts, hostsLine) {
		t.Errorf("%s's /etc/hosts lacks %q:\n%s", ctr, hostsLine, hosts)
	}
}

// checkQuadletVerbs installs a .container with `quadlet install` (whose
// daemon-reload makes its unit), lists it running, prints it, refuses to
// remove it running without -f, and removes it with -f (its unit stops
// and, after the reload, is gone).
func checkQuadletVerbs(t *testing.T, e *env, sb *harness.Sandbox) {
	src := filepath.Join(harness.TempDir(t), "hello.container")
	text := "[Container]\nImage=bb\nContainerName=hello\nExec=sleep 600\nStopSignal=KILL\n"
	if err := os.WriteFile(src, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := e.must("quadlet", "install", src); got != "/etc/podunit/systemd/hello.container\n" {
		t.Fatalf("quadlet install printed %q", got)
	}
	sb.Run(t, "systemctl", "start", "hello.service")
	sb.WaitActive(t, "hello.service", "active", 30*time.Second)
	list := e.must("quadlet", "list", "--filter", "name=hello*", "--format", "{{.Name}} {{.UnitName}} {{.Path}} {{.Status}}")
	if list != "hello.container hello.service /etc/podunit/systemd/hello.container active/running\n" {
		t.Errorf("quadlet list: %q", list)
	}
	if got := e.must("quadlet", "print", "hello.container"); got != text {
		t.Errorf("quadlet print: %q", got)
	}
	if r := e.run("quadlet", "rm", "hello.container"); r.code != 125 || !strings.Contains(r.err, "--force") {
		t.Errorf("quadlet rm of a running unit: exit %d: %s", r.code, r.err)
	}
	if got := e.must("quadlet", "rm", "-f", "hello.container"); got != "hello.container\n" {
		t.Errorf("quadlet rm -f printed %q", got)
	}
	if got := strings.TrimSpace(sb.Run(t, "systemctl", "show", "-p", "LoadState", "--value", "hello.service")); got != "not-found" {
		t.Errorf("hello.service after quadlet rm -f: LoadState=%s, want not-found", got)
	}
}
