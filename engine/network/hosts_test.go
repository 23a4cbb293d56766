package network

import (
	"os"
	"path/filepath"
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
	cases := []struct {
		files []string
		want  Defaults
	}{
		{nil, Defaults{DefaultNetwork: DefaultName}},
		{[]string{vendor}, Defaults{NetNS: "bridge", DefaultNetwork: DefaultName}},
		{[]string{vendor, admin, filepath.Join(dir, "missing.conf")}, Defaults{NetNS: "none", DefaultNetwork: DefaultName}},
		{[]string{vendor, named}, Defaults{NetNS: "bridge", DefaultNetwork: "mynet"}},
	}
	for _, c := range cases {
		got, err := ReadDefaults(c.files)
		if err != nil || got != c.want {
			t.Errorf("ReadDefaults(%v) = %+v, %v; want %+v", c.files, got, err, c.want)
		}
	}
	if _, err := ReadDefaults([]string{write("bad.conf", "[containers\n")}); err == nil {
		t.Error("ReadDefaults of a malformed file: no error")
	}
	t.Setenv("CONTAINERS_CONF", admin)
	if f := ConfFiles(); len(f) != 1 || f[0] != admin {
		t.Errorf("ConfFiles with $CONTAINERS_CONF = %v", f)
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
