package export

import (
	"slices"
	"testing"

	"github.com/podunit/podunit/engine/model"
)

// TestNetworkAndMetaFlagsWrittenBack: generate --new lost --network and
// -p; every network, its options, the published ports, the name settings
// and the metadata flags come back as flags.
func TestNetworkAndMetaFlagsWrittenBack(t *testing.T) {
	_, members := fixture()
	c := *members[0]
	c.Config.Pod = ""
	c.Config.Network, c.Config.Networks = "front", []string{"back"}
	c.Config.NetworkOpts = map[string]model.NetworkOpts{
		"front": {Aliases: []string{"www", "web"}, IP: "10.89.1.5", MAC: "02:00:00:00:00:01"},
		"back":  {IP6: "fd00::5"}}
	c.Config.Ports = []model.PortMapping{{HostPort: 8080, ContainerPort: 80, Protocol: "tcp"},
		{HostIP: "127.0.0.1", HostPort: 53, ContainerPort: 53, Protocol: "udp"},
		{HostIP: "::1", HostPort: 9000, ContainerPort: 9000, Protocol: "tcp"}}
	c.Config.DNS, c.Config.DNSSearch, c.Config.DNSOptions = []string{"10.0.0.1"}, []string{"example.com"}, []string{"ndots:2"}
	c.Config.AddHost = []string{"db;dbalias:10.0.0.9"}
	c.Config.Mounts = []model.Mount{{Type: model.MountVolume, Source: "data", Destination: "/data", ReadOnly: true, Options: []string{"nocopy"}},
		{Source: "/srv", Destination: "/srv", Options: []string{"rshared"}}}
	c.Config.MetaConfig = model.MetaConfig{Annotations: map[string]string{"b": "2", "a": "1"}, Timezone: "Europe/Berlin",
		LogDriver: "passthrough", Expose: []string{"80/tcp", "81/udp"}}
	got := runFlags(&c, nil)
	for _, want := range [][]string{
		{"--network", "front", "--ip", "10.89.1.5", "--mac-address", "02:00:00:00:00:01", "--network-alias", "www",
			"--network-alias", "web", "--network", "back:ip6=fd00::5"},
		{"-p", "8080:80/tcp", "-p", "127.0.0.1:53:53/udp", "-p", "[::1]:9000:9000/tcp"},
		{"--dns", "10.0.0.1", "--dns-search", "example.com", "--dns-option", "ndots:2", "--add-host", "db;dbalias:10.0.0.9"},
		{"-v", "data:/data:ro,nocopy", "-v", "/srv:/srv:rshared"},
		{"--http-proxy=false", "--annotation", "a=1", "--annotation", "b=2", "--expose", "80/tcp", "--expose", "81/udp",
			"--tz", "Europe/Berlin", "--log-driver", "passthrough"},
	} {
		if !containsRun(got, want) {
			t.Errorf("run flags lack %q:\n%q", want, got)
		}
	}
	c.Config.Network, c.Config.Networks, c.Config.NetworkOpts = "none", nil, map[string]model.NetworkOpts{"none": {}}
	if got := runFlags(&c, nil); !containsRun(got, []string{"--network", "none"}) {
		t.Errorf("--network none lost: %q", got)
	}
	c.Config.Network, c.Config.ModeOptions = "pasta", []string{"-T", "8080", "--ipv4-only"}
	if got := runFlags(&c, nil); !containsRun(got, []string{"--network", "pasta:-T,8080,--ipv4-only"}) {
		t.Errorf("pasta's options lost: %q", got)
	}
	c.Config.Network, c.Config.ModeOptions = "slirp4netns", []string{"cidr=10.0.3.0/24", "mtu=1500"}
	if got := runFlags(&c, nil); !containsRun(got, []string{"--network", "slirp4netns:cidr=10.0.3.0/24,mtu=1500"}) {
		t.Errorf("slirp4netns's options lost: %q", got)
	}
}

// containsRun reports whether want appears in got as one run of words.
func containsRun(got, want []string) bool {
	for i := 0; i+len(want) <= len(got); i++ {
		if slices.Equal(got[i:i+len(want)], want) {
			return true
		}
	}
	return false
}

// TestLogTagIsTheIdentifier: --log-opt tag= names the unit's journal lines.
func TestLogTagIsTheIdentifier(t *testing.T) {
	_, members := fixture()
	c := *members[0]
	c.Config.Pod, c.Config.LogTag = "", "shop-front"
	u, err := Container(&c, nil, Options{New: true})
	if err != nil {
		t.Fatal(err)
	}
	if argv := execStart(t, u); !containsRun(argv, []string{"--log-opt", "tag=shop-front"}) {
		t.Errorf("ExecStart lacks the tag: %q", argv)
	}
	if !slices.Contains(splitLines(u.Text), "SyslogIdentifier=shop-front") {
		t.Errorf("SyslogIdentifier is not the tag:\n%s", u.Text)
	}
}

func splitLines(b []byte) []string {
	var out []string
	start := 0
	for i, c := range b {
		if c == '\n' {
			out = append(out, string(b[start:i]))
			start = i + 1
		}
	}
	return out
}
