package network

import (
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

// TestPastaOptions: Podman's pasta:OPTIONS forms are read apart at the
// commas and passed through; each changes only the default it overrides.
func TestPastaOptions(t *testing.T) {
	tail := " --runas 0:0 --netns /proc/self/fd/3 --no-netns-quit --pid /p"
	for _, c := range []struct{ in, want string }{
		{"-T,8080,--ipv4-only", "--config-net -T 8080 --ipv4-only -t none -u none -U none --no-map-gw --dns-forward 169.254.1.1 --quiet"},
		{"--map-gw", "--config-net -t none -u none -T none -U none --dns-forward 169.254.1.1 --quiet"},
		{"--tcp-ports,9000,-u,53", "--config-net --tcp-ports 9000 -u 53 -T none -U none --no-map-gw --dns-forward 169.254.1.1 --quiet"},
		{"--dns-forward,169.254.9.9,-q", "--config-net --dns-forward 169.254.9.9 -q -t none -u none -T none -U none --no-map-gw"},
		{"--debug,-I,pu0,--mtu=1400", "--config-net --debug -I pu0 --mtu=1400 -t none -u none -T none -U none --no-map-gw --dns-forward 169.254.1.1"},
		{"-6", "--config-net -6 -t none -u none -T none -U none --no-map-gw --quiet"},
		{"-T8080", "--config-net -T8080 -t none -u none -U none --no-map-gw --dns-forward 169.254.1.1 --quiet"},
	} {
		opts, err := ParsePastaOptions(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if got := strings.Join(Pasta{PidFile: "/p", Options: opts}.Args(), " "); got != c.want+tail {
			t.Errorf("pasta:%s:\n got %s\nwant %s", c.in, got, c.want+tail)
		}
	}
}

// TestPastaOptionsRefused: options podunit gives pasta itself, values
// without their option and unknown short options are refused, naming them.
func TestPastaOptionsRefused(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"--pid,/tmp/x", "--pid"}, {"-P/tmp/x", "-P/tmp/x"}, {"--netns=/x", "--netns"}, {"-f", "-f"},
		{"--foreground", "--foreground"}, {"--runas,1000", "--runas"}, {"--userns,/proc/1/ns/user", "--userns"},
		{"--help", "--help"}, {"--version", "--version"}, {"-F,3", "-F"}, {"--no-netns-quit", "--no-netns-quit"},
		{"8080", `"8080" is not a pasta option`}, {"-T", "wants a value"}, {"-Z", "-Z"}, {"--quiet=1", "takes no value"},
		{"--ipv4-only,1234", `"1234"`},
	} {
		_, err := ParsePastaOptions(c.in)
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "pasta:"+c.in) {
			t.Errorf("pasta:%s: %v; want an invalid argument naming %s", c.in, err, c.want)
		}
	}
}

func TestPastaDNSForward(t *testing.T) {
	for in, want := range map[string]string{"": PastaDNSForward, "--dns-forward,10.9.9.9": "10.9.9.9", "--ipv6-only": "", "-4": PastaDNSForward} {
		var opts []string
		if in != "" {
			opts, _ = ParsePastaOptions(in)
		}
		if got := strings.Join(Pasta{Options: opts}.DNSForward(), " "); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// TestSlirpOptions: Podman's slirp4netns:KEY=VALUE keys become
// slirp4netns's flags; cidr= moves the guest and its DNS forwarder.
func TestSlirpOptions(t *testing.T) {
	o, err := ParseSlirpOptions("allow_host_loopback=true,cidr=10.0.3.0/24,enable_ipv6=true,mtu=1500,outbound_addr=127.0.0.1,port_handler=slirp4netns")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(slirpArgs(t, Slirp{Options: o}), " ")
	want := "--configure --mtu=1500 --cidr=10.0.3.0/24 --enable-ipv6 --outbound-addr=127.0.0.1 --enable-sandbox --ready-fd=4 --netns-type=path /proc/self/fd/3 tap0"
	if got != want {
		t.Errorf("args\n got %s\nwant %s", got, want)
	}
	if o.Guest() != "10.0.3.100" || o.DNS() != "10.0.3.3" {
		t.Errorf("guest %s, DNS %s", o.Guest(), o.DNS())
	}
	if d := (SlirpOptions{}); d.Guest() != "10.0.2.100" || d.DNS() != "10.0.2.3" {
		t.Errorf("default guest %s, DNS %s", d.Guest(), d.DNS())
	}
	o, err = ParseSlirpOptions("outbound_addr=lo,allow_host_loopback=false,port_handler=rootlesskit,enable_ipv6=false")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (Slirp{Options: o}).Args(); !errdefs.IsNotFound(err) || !strings.Contains(err.Error(), `"lo"`) {
		t.Errorf("lo has no global IPv4 address: %v", err)
	}
	o.OutboundAddr = "::1"
	if _, err := (Slirp{Options: o}).Args(); !errdefs.IsInvalidArgument(err) {
		t.Errorf("an IPv6 outbound_addr: %v", err)
	}
}

func TestSlirpOptionsRefused(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"allow_host_loopback=yes", "allow_host_loopback=yes"}, {"cidr=10.0.3.0/28", "cidr=10.0.3.0/28"},
		{"cidr=fd00::/64", "cidr=fd00::/64"}, {"mtu=20", "mtu=20"}, {"mtu=x", "mtu=x"},
		{"port_handler=foo", "port_handler=foo"}, {"bogus=1", `unknown option "bogus"`}, {"enable_ipv6", `"enable_ipv6"`},
		{"outbound_addr=", "outbound_addr="},
	} {
		_, err := ParseSlirpOptions(c.in)
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "slirp4netns:"+c.in) {
			t.Errorf("slirp4netns:%s: %v; want an invalid argument naming %s", c.in, err, c.want)
		}
	}
}
