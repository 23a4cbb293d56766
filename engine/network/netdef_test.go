package network

import (
	"errors"
	"flag"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
)

var update = flag.Bool("update", false, "rewrite the golden network files in testdata")

const testID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

var testCreated = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func subnet(t *testing.T, cidr, gw, rng string) Subnet {
	t.Helper()
	s, err := ParseSubnet(cidr, gw, rng)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCompleteGolden writes what `network create` makes of each set of
// flags as Podman's network JSON and compares it with testdata.
func TestCompleteGolden(t *testing.T) {
	existing := []Network{DefaultNetwork(testID)}
	cases := map[string]Network{
		"plain":          {Name: "web", DNSEnabled: true},
		"internal":       {Name: "inside", Internal: true, DNSEnabled: true, Labels: map[string]string{"tier": "db"}},
		"nodns-internal": {Name: "quiet", Internal: true},
		"ipv6":           {Name: "six", IPv6Enabled: true, DNSEnabled: true},
		"subnets": {Name: "many", DNSEnabled: true, NetworkInterface: "br-many", NetworkDNSServers: []string{"192.0.2.53"},
			Options: map[string]string{"mtu": "1400", "vlan": "7", "isolate": "true"},
			Subnets: []Subnet{subnet(t, "192.168.77.5/24", "192.168.77.254", "192.168.77.128/25"), subnet(t, "fd77::/64", "", "fd77::10-fd77::20")}},
		"ipam-none": {Name: "bare", IPAMOptions: map[string]string{"driver": "none"}},
		"macvlan":   {Name: "mv", Driver: "macvlan", NetworkInterface: "lo", Options: map[string]string{"mode": "bridge"}, Subnets: []Subnet{subnet(t, "192.168.99.0/24", "", "")}},
		"macvlan-parent-opt": {Name: "mvp", Driver: "macvlan", Options: map[string]string{"parent": "lo", "mode": "private"},
			Subnets: []Subnet{subnet(t, "192.168.98.0/24", "", "")}},
		"macvlan-default-parent": {Name: "mvd", Driver: "macvlan", Subnets: []Subnet{subnet(t, "192.168.97.0/24", "", "")}},
		"macvlan-no-ipam":        {Name: "mvn", Driver: "macvlan", NetworkInterface: "lo", IPAMOptions: map[string]string{"driver": "none"}},
		"routes": {Name: "routed", DNSEnabled: true, Options: map[string]string{"no_default_route": "1"},
			Subnets: []Subnet{subnet(t, "10.66.0.0/24", "", ""), subnet(t, "fd66::/64", "", "")},
			Routes:  []Route{route(t, "10.1.0.0/24,10.66.0.10"), route(t, "fd99::/64,fd66::10,7")}},
	}
	for name, n := range cases {
		n.ID, n.Created = testID, testCreated
		if err := Complete(&n, existing); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := Encode(n)
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", name+".json")
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs (run with -update to accept):\n%s", golden, got)
		}
	}
}

func TestCompleteRefuses(t *testing.T) {
	existing := []Network{DefaultNetwork(testID)}
	for _, c := range []struct {
		n    Network
		want string
	}{
		{Network{Name: "x", Driver: "overlay"}, "driver"},
		{Network{Name: "x", Options: map[string]string{"mtu": "big"}}, "mtu"},
		{Network{Name: "x", Options: map[string]string{"nosuch": "1"}}, "unsupported option"},
		{Network{Name: "x", Subnets: []Subnet{subnet(t, "10.89.0.0/16", "", "")}}, "overlaps"},
		{Network{Name: "x", Subnets: []Subnet{subnet(t, "10.1.0.0/24", "10.2.0.1", "")}}, "not in subnet"},
		{Network{Name: "x", NetworkInterface: "podunit0"}, "used by another"},
		{Network{Name: "x", Driver: "macvlan", NetworkInterface: "nosuch0", Subnets: []Subnet{subnet(t, "10.1.0.0/24", "", "")}}, "nosuch0"},
		{Network{Name: "x", Driver: "macvlan", NetworkInterface: "lo", Options: map[string]string{"parent": "eth9"},
			Subnets: []Subnet{subnet(t, "10.1.0.0/24", "", "")}}, "disagree"},
		{Network{Name: "x", Options: map[string]string{"parent": "lo"}}, "unsupported option"},
		{Network{Name: "x", Driver: "macvlan", NetworkInterface: "lo"}, "DHCP"},
		{Network{Name: "x", Driver: "macvlan", NetworkInterface: "lo", IPAMOptions: map[string]string{"driver": "host-local"}}, "needs a --subnet"},
		{Network{Name: "x", Options: map[string]string{"no_default_route": "yes"}}, "no_default_route"},
		{Network{Name: "x", IPAMOptions: map[string]string{"driver": "dhcp"}}, "DHCP"},
	} {
		n := c.n
		err := Complete(&n, existing)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Complete(%+v): %v, want an error naming %q", c.n, err, c.want)
		}
	}
	if _, err := ParseSubnet("10.0.0.0/8", "nope", ""); !errdefs.IsInvalidArgument(err) {
		t.Errorf("a bad --gateway: %v", err)
	}
}

func TestAllocate(t *testing.T) {
	m := NewManager(t.TempDir(), t.TempDir())
	n := Network{Name: "r", ID: testID, Subnets: []Subnet{subnet(t, "10.5.0.0/29", "", "10.5.0.2-10.5.0.3"), subnet(t, "fd05::/64", "", "")}}
	if err := Complete(&n, nil); err != nil {
		t.Fatal(err)
	}
	a, err := m.Allocate(n, "a", nil)
	if err != nil || len(a) != 2 || a[0].String() != "10.5.0.2" || a[1].String() != "fd05::2" {
		t.Fatalf("first: %v %v", a, err)
	}
	again, err := m.Allocate(n, "a", nil)
	if err != nil || len(again) != 2 || !again[0].Equal(a[0]) {
		t.Fatalf("a re-run keeps the addresses: %v %v", again, err)
	}
	b, err := m.Allocate(n, "b", []net.IP{net.ParseIP("fd05::99")})
	if err != nil || len(b) != 2 || b[0].String() != "10.5.0.3" || b[1].String() != "fd05::99" {
		t.Fatalf("second with a static IPv6: %v %v", b, err)
	}
	if _, err := m.Allocate(n, "c", nil); !errdefs.IsConflict(err) {
		t.Fatalf("the range is full: %v", err)
	}
	if _, err := m.Allocate(n, "c", []net.IP{net.ParseIP("10.5.0.2")}); !errdefs.IsConflict(err) {
		t.Fatalf("a taken static address: %v", err)
	}
	if m.Attachments("r") != 4 {
		t.Fatalf("attachments: %d", m.Attachments("r"))
	}
	if err := m.Release("r", "a"); err != nil || m.Attachments("r") != 2 || len(m.Leases("r", "a")) != 0 {
		t.Fatalf("release: %v, %d left", err, m.Attachments("r"))
	}
}

// TestMigrate turns an older podunit's conflist into a network file and
// refuses while CNI still holds a lease on it.
func TestMigrate(t *testing.T) {
	conf, cniRun := t.TempDir(), t.TempDir()
	data, err := os.ReadFile("testdata/legacy-internal.conflist")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(conf, "inside.conflist"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	m := NewManager(conf, t.TempDir())
	m.CNIRunDir = cniRun
	lease := filepath.Join(cniRun, "networks", "inside", "10.89.7.2")
	if err := os.MkdirAll(filepath.Dir(lease), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lease, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := m.List(); !errdefs.IsConflict(err) || !strings.Contains(err.Error(), "inside") || !strings.Contains(err.Error(), "reboot") {
		t.Fatalf("with a CNI lease: %v", err)
	}
	if err := os.Remove(lease); err != nil {
		t.Fatal(err)
	}
	n, err := m.Get("inside")
	if err != nil {
		t.Fatal(err)
	}
	if n.ID != testID || !n.Internal || n.NetworkInterface != "podunit7" || n.Subnets[0].Subnet.String() != "10.89.7.0/24" ||
		n.Subnets[0].Gateway.String() != "10.89.7.1" || n.Labels["tier"] != "db" || !n.Created.Equal(testCreated) {
		t.Fatalf("migrated: %+v", n)
	}
	if _, err := os.Stat(filepath.Join(conf, "inside.conflist")); !os.IsNotExist(err) {
		t.Fatalf("the conflist is still there: %v", err)
	}
}

func TestOnlyGone(t *testing.T) {
	for msg, want := range map[string]bool{
		"netavark teardown: netavark encountered multiple errors:\n\t- IO error: No such file or directory (os error 2)\n\t- failed to delete container veth eth0: Netlink error: No such device (os error 19)": true,
		"netavark teardown: failed to delete container veth eth0: Netlink error: No such device (os error 19)":                                                                                                  true,
		"netavark teardown: netavark encountered multiple errors:\n\t- iptables: Permission denied\n\t- failed to delete container veth eth0: Netlink error: No such device (os error 19)":                      false,
		"netavark teardown: exit status 1: ": false,
	} {
		if got := onlyGone(errors.New(msg)); got != want {
			t.Errorf("onlyGone(%q) = %v, want %v", msg, got, want)
		}
	}
}
