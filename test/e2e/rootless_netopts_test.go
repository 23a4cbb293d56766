package e2e

import (
	"strings"
	"testing"
	"time"
)

// checkNetModeOptions (in TestRootlessUnderSystemd's boot): pasta's own
// options given as --network pasta:… reach pasta (-I names the
// container's interface), slirp4netns's KEY=VALUE ones reach slirp4netns
// (cidr= moves tap0's address and its DNS forwarder, mtu= sets tap0's
// MTU), a pod's options its pasta; each container's resolv.conf names its
// helper's DNS forwarder first, pasta's 169.254.1.1 as Podman 5's; an
// option podunit gives pasta itself and an unknown slirp4netns key are
// refused: Error:, 125.
func checkNetModeOptions(t *testing.T, u *rootlessUser) {
	defer logCost(t, "checkNetModeOptions", time.Now())
	out := u.must("run", "--rm", "--network", "pasta:-I,pu0,--ipv4-only", "bb", "sh", "-c",
		"cat /etc/resolv.conf; echo ==; cat /proc/net/dev")
	resolv, dev, _ := strings.Cut(out, "==\n")
	if !strings.HasPrefix(resolv, "nameserver 169.254.1.1\n") || !strings.Contains(dev, "pu0:") {
		t.Errorf("a container on pasta:-I,pu0,--ipv4-only: %q; want resolv.conf's first server 169.254.1.1 and interface pu0", out)
	}
	out = u.must("run", "--rm", "--network", "slirp4netns:cidr=10.0.3.0/24,mtu=1500,allow_host_loopback=false", "bb", "sh", "-c",
		"head -n1 /etc/resolv.conf; cat /sys/class/net/tap0/mtu; ip -4 addr show tap0")
	if !strings.HasPrefix(out, "nameserver 10.0.3.3\n1500\n") || !strings.Contains(out, "10.0.3.100/24") {
		t.Errorf("a container on slirp4netns:cidr=10.0.3.0/24,mtu=1500: %q; want its DNS 10.0.3.3, MTU 1500, tap0 10.0.3.100/24", out)
	}
	u.must("pod", "create", "--name", "pno", "--network", "pasta:-I,pp0")
	out = u.must("run", "--rm", "--pod", "pno", "bb", "sh", "-c", "head -n1 /etc/resolv.conf; grep -o pp0: /proc/net/dev")
	if out != "nameserver 169.254.1.1\npp0:\n" {
		t.Errorf("a member of a pod on pasta:-I,pp0: %q; want the pod's pasta's DNS forwarder and interface pp0", out)
	}
	u.must("pod", "rm", "-f", "pno")
	u.fails(nil, "--pid", "run", "--rm", "--network", "pasta:--pid,/tmp/x", "bb", "true")
	u.fails(nil, `"bogus"`, "run", "--rm", "--network", "slirp4netns:bogus=1", "bb", "true")
	u.fails(nil, "port_handler=x", "pod", "create", "--network", "slirp4netns:port_handler=x")
}

// logCost logs how long a check added to a shared boot took (the CI's
// e2e time is budgeted).
func logCost(t *testing.T, what string, start time.Time) {
	t.Logf("%s took %s", what, time.Since(start).Round(100*time.Millisecond))
}
