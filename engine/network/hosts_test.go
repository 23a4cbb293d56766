package network

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestHostsFile(t *testing.T) {
	got := string(HostsFile([]HostEntry{
		{IP: "10.89.0.2", Names: []string{"abc123", "web", "abc123"}},
		{IP: "10.89.0.3", Names: []string{"web", "db"}},
		{IP: "10.89.0.4", Names: []string{"localhost"}},
		{IP: "", Names: []string{"nowhere"}},
	}))
	want := "127.0.0.1\tlocalhost localhost.localdomain localhost4 localhost4.localdomain4\n" +
		"::1\tlocalhost localhost.localdomain localhost6 localhost6.localdomain6\n" +
		"10.89.0.2\tabc123 web\n" +
		"10.89.0.3\tdb\n"
	if got != want {
		t.Fatalf("HostsFile:\n%s\nwant:\n%s", got, want)
	}
}

func TestResolvConf(t *testing.T) {
	in := "# generated\nsearch example.org\nnameserver 127.0.0.53\nnameserver 192.0.2.1\nnameserver ::1\noptions edns0\n"
	want := "# generated\nsearch example.org\nnameserver 192.0.2.1\noptions edns0\n"
	if got := string(ResolvConf([]byte(in))); got != want {
		t.Fatalf("ResolvConf:\n%s\nwant:\n%s", got, want)
	}
}

func TestReadDefaults(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	vendor := write("vendor.conf", "[containers]\nnetns = \"bridge\"\n[network]\ndefault_network = \"podman\"\n")
	admin := write("admin.conf", "[containers]\nnetns = \"none\"\n")
	named := write("named.conf", "[network]\ndefault_network = \"mynet\"\n")
	pools := write("pools.conf", "[network]\ndefault_subnet_pools = [{base = \"10.77.0.0/16\", size = 24}, {base = \"10.78.0.0/23\", size = 25}]\n")
	cases := []struct {
		files []string
		want  Defaults
	}{
		{nil, Defaults{DefaultNetwork: DefaultName}},
		{[]string{vendor}, Defaults{NetNS: "bridge", DefaultNetwork: DefaultName}},
		{[]string{vendor, admin, filepath.Join(dir, "missing.conf")}, Defaults{NetNS: "none", DefaultNetwork: DefaultName}},
		{[]string{vendor, named}, Defaults{NetNS: "bridge", DefaultNetwork: "mynet"}},
		{[]string{pools, vendor}, Defaults{NetNS: "bridge", DefaultNetwork: DefaultName,
			SubnetPools: []SubnetPool{{"10.77.0.0/16", 24}, {"10.78.0.0/23", 25}}}},
	}
	for _, c := range cases {
		got, err := ReadDefaults(c.files)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ReadDefaults(%v) = %+v, %v; want %+v", c.files, got, err, c.want)
		}
	}
	if _, err := ReadDefaults([]string{write("bad.conf", "[containers\n")}); err == nil {
		t.Error("ReadDefaults of a malformed file: no error")
	}
	for _, bad := range []string{`{base = "10.77.0.0/16", size = 8}`, `{base = "fd00::/48", size = 64}`, `{base = "nope", size = 24}`} {
		p := write("badpool.conf", "[network]\ndefault_subnet_pools = ["+bad+"]\n")
		if _, err := ReadDefaults([]string{p}); err == nil || !strings.Contains(err.Error(), "badpool.conf: [network] default_subnet_pools") {
			t.Errorf("default_subnet_pools = [%s]: %v, want an error naming the file and key", bad, err)
		}
	}
	t.Setenv("CONTAINERS_CONF", admin)
	if f := ConfFiles(); len(f) != 1 || f[0] != admin {
		t.Errorf("ConfFiles with $CONTAINERS_CONF = %v", f)
	}
}

// TestSubnetPools: a network without a subnet takes the first free one of
// containers.conf's pools, in order, and says so when they are used up.
func TestSubnetPools(t *testing.T) {
	pools := []SubnetPool{{"10.78.0.0/23", 24}, {"10.77.0.0/16", 24}}
	var existing []Network
	for _, want := range []string{"10.78.0.0/24", "10.78.1.0/24", "10.77.0.0/24"} {
		n := Network{Name: "n" + strconv.Itoa(len(existing))}
		if err := Complete(&n, existing, pools...); err != nil || n.Subnets[0].Subnet.String() != want {
			t.Fatalf("network %d: %v %v, want %s", len(existing), n.Subnets, err, want)
		}
		existing = append(existing, n)
	}
	n := Network{Name: "full"}
	if err := Complete(&n, existing, SubnetPool{"10.78.0.0/23", 24}); err == nil || !strings.Contains(err.Error(), "no free subnet in containers.conf's default_subnet_pools (10.78.0.0/23 in /24s)") {
		t.Errorf("used-up pool: %v", err)
	}
}

func TestBuildResolvConf(t *testing.T) {
	host := "# generated\nsearch example.org\nnameserver 127.0.0.53\nnameserver 192.0.2.1\noptions edns0\n"
	for _, c := range []struct {
		p    ResolvParams
		want string
	}{
		{ResolvParams{}, "search example.org\nnameserver 192.0.2.1\noptions edns0\n"},
		{ResolvParams{NetworkServers: []string{"10.89.1.1"}, NetworkSearch: []string{"dns.podman"}},
			"search example.org dns.podman\nnameserver 10.89.1.1\nnameserver 192.0.2.1\noptions edns0\n"},
		{ResolvParams{Servers: []string{"198.51.100.7"}, Search: []string{"a.test", "b.test"}, Options: []string{"ndots:2"}},
			"search a.test b.test\nnameserver 198.51.100.7\noptions edns0 ndots:2\n"},
		{ResolvParams{Search: []string{"."}}, "nameserver 192.0.2.1\noptions edns0\n"},
	} {
		if got := string(BuildResolvConf([]byte(host), c.p)); got != c.want {
			t.Errorf("BuildResolvConf(%+v):\n%s\nwant:\n%s", c.p, got, c.want)
		}
	}
}
