package network

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestKeeperNames(t *testing.T) {
	k, kp := keeperNames("podunit0")
	if !regexp.MustCompile(`^pukeep[0-9a-f]{8}$`).MatchString(k) || kp != k+"p" || len(kp) > 15 {
		t.Fatalf("keeperNames(podunit0) = %q, %q", k, kp)
	}
	if k2, _ := keeperNames("podunit1"); k2 == k {
		t.Fatalf("two bridges share the keeper %q", k)
	}
}

// TestDNATChain: the name netavark 1.4 gave the default network's DNAT
// chain here (iptables-save after a setup with -p).
func TestDNATChain(t *testing.T) {
	if got := dnatChain("podunit"); got != "NETAVARK-DN-6BE253D196C4C" {
		t.Fatalf("dnatChain(podunit) = %q", got)
	}
}

func TestLinksSeesLoopback(t *testing.T) {
	ls, err := links()
	if err != nil {
		t.Fatal(err)
	}
	if lo, ok := ls["lo"]; !ok || lo.index != 1 || lo.master != 0 {
		t.Fatalf("links()[lo] = %+v, %v (all: %v)", lo, ok, ls)
	}
}

// inNetNS runs the calling test again in a network and mount namespace of
// its own (unshare), so that its bridges, veths and iptables rules live
// and die there; it reports whether the caller is that second run.
func inNetNS(t *testing.T) bool {
	requireRoot(t)
	if os.Getenv("PODUNIT_TEST_NETNS") == t.Name() {
		if err := exec.Command("ip", "link", "set", "lo", "up").Run(); err != nil {
			t.Fatal(err)
		}
		return true
	}
	cmd := exec.Command("unshare", "--net", "--mount", "--propagation", "private",
		os.Args[0], "-test.run=^"+t.Name()+"$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "PODUNIT_TEST_NETNS="+t.Name())
	out, err := cmd.CombinedOutput()
	t.Logf("in a network namespace of its own:\n%s", out)
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("the run in its own network namespace failed: %v", err)
	}
	return false
}

func sh(t *testing.T, script string) string {
	t.Helper()
	out, err := exec.Command("sh", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v: %s", script, err, out)
	}
	return string(out)
}

// attachOne pins a namespace and attaches it to the default network with
// a published port.
func attachOne(t *testing.T, m *Manager, id string) Attachment {
	t.Helper()
	pin, err := Pin(filepath.Join(m.RunDir, "test-"+id), []string{Net}, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = Unpin(pin.Dir) })
	a := Attachment{ID: id, Name: "c" + id[:4], NetNS: pin.Path(Net),
		Ports:     []PortMapping{{HostIP: "127.0.0.1", HostPort: 18480, ContainerPort: 80, Protocol: "tcp"}},
		Endpoints: []Endpoint{{Network: DefaultName, IfName: "eth0"}}}
	if _, err := m.Attach(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestKeeperKeepsTheBridge: after the last container's teardown the
// bridge, its keeper and the network's rules stay and only the container's
// port forwarding goes; a lost keeper and a bridge made again are mended
// at the next attach; network rm (also one killed halfway) leaves nothing.
func TestKeeperKeepsTheBridge(t *testing.T) {
	if !inNetNS(t) {
		return
	}
	ctx := context.Background()
	m, n := defaultNetworkManager(t)
	k, _ := keeperNames("podunit0")
	id := strings.Repeat("c1", 32)
	a := attachOne(t, m, id)
	if err := m.Detach(ctx, a); err != nil {
		t.Fatal(err)
	}
	checkKept(t, k)
	// a keeper lost, a bridge made again: the next attach mends both
	sh(t, "ip link delete "+k)
	a = attachOne(t, m, id)
	checkKeeperOn(t, k)
	if err := m.Detach(ctx, a); err != nil {
		t.Fatal(err)
	}
	sh(t, "ip link delete podunit0")
	a = attachOne(t, m, id)
	checkKeeperOn(t, k)
	if err := m.Detach(ctx, a); err != nil {
		t.Fatal(err)
	}
	checkKept(t, k)
	// a network rm killed after it took the keeper, in its namespace
	if _, err := Pin(m.removerDir(n.Name), []string{Net}, ""); err != nil {
		t.Fatal(err)
	}
	sh(t, "ip link delete "+k)
	if err := m.Remove(ctx, n, nil); err != nil {
		t.Fatal(err)
	}
	requireNoLinksOrRules(t, m)
	if _, err := os.Stat(m.removerDir(n.Name)); !os.IsNotExist(err) || strings.Contains(sh(t, "cat /proc/self/mountinfo"), m.removerDir(n.Name)) {
		t.Fatalf("network rm left its namespace: %v", err)
	}
}

// TestRemoveFinishesAKilledUnpin: a network rm killed after its teardown,
// between Unpin's unmount of the namespace and of its place, left the place
// mounted and no bridge or keeper; a re-run removes the place too.
func TestRemoveFinishesAKilledUnpin(t *testing.T) {
	if !inNetNS(t) {
		return
	}
	m, n := defaultNetworkManager(t)
	dir := m.removerDir(n.Name)
	if err := privateDir(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, Net), nil, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := m.Remove(context.Background(), n, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) || strings.Contains(sh(t, "cat /proc/self/mountinfo"), dir) {
		t.Fatalf("network rm left its namespace's place: %v", err)
	}
}

// defaultNetworkManager is a manager in a temporary folder with the
// default network added.
func defaultNetworkManager(t *testing.T) (*Manager, Network) {
	dir := t.TempDir()
	m := NewManager(filepath.Join(dir, "networks"), filepath.Join(dir, "run"))
	n := DefaultNetwork("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	if err := m.Add(n); err != nil {
		t.Fatal(err)
	}
	return m, n
}

// checkKept: bridge podunit0 and its keeper k are there, the network's
// NAT chain and forward rules too, no port forwarding.
func checkKept(t *testing.T, k string) {
	t.Helper()
	checkKeeperOn(t, k)
	rules := sh(t, "iptables-save")
	chain := "NETAVARK-" + strings.TrimPrefix(dnatChain(DefaultName), "NETAVARK-DN-")
	for _, want := range []string{"-A POSTROUTING -s 10.89.0.0/24 -j " + chain, "-A NETAVARK_FORWARD -s 10.89.0.0/24 -j ACCEPT"} {
		if !strings.Contains(rules, want) {
			t.Fatalf("the network's rule %q went with its last container:\n%s", want, rules)
		}
	}
	if strings.Contains(rules, "18480") {
		t.Fatalf("the container's port forwarding stayed:\n%s", rules)
	}
}

func checkKeeperOn(t *testing.T, k string) {
	t.Helper()
	ls, err := links()
	if err != nil {
		t.Fatal(err)
	}
	br, ok := ls["podunit0"]
	if l := ls[k]; !ok || l.master != br.index {
		t.Fatalf("keeper %s is not on podunit0: %+v (all: %v)", k, l, ls)
	}
}

// requireNoLinksOrRules drops m's shared chains and fails unless the test's
// namespace has nothing left of the networks: no link but lo, no rule.
func requireNoLinksOrRules(t *testing.T, m *Manager) {
	t.Helper()
	if err := m.RemoveSharedChains(); err != nil {
		t.Fatal(err)
	}
	if links := sh(t, "ip -o link | awk '{print $2}'"); links != "lo:\n" {
		t.Fatalf("links after network rm:\n%s", links)
	}
	if rules := sh(t, "iptables-save | grep -E '^(-A|:NETAVARK)' || true"); rules != "" {
		t.Fatalf("rules after network rm:\n%s", rules)
	}
}

// TestRemoveRefusesAnOwnerAttachedMeanwhile: a container that attached
// after network rm -f listed the network's users (the race TestNetworkChurn
// found) makes the removal fail with a conflict and change nothing, so
// that the next round removes that container first; the lease of an owner
// that no longer exists does not stop it.
func TestRemoveRefusesAnOwnerAttachedMeanwhile(t *testing.T) {
	if !inNetNS(t) {
		return
	}
	ctx := context.Background()
	m, n := defaultNetworkManager(t)
	id := strings.Repeat("d2", 32)
	a := attachOne(t, m, id)
	err := m.Remove(ctx, n, func(string) bool { return true })
	if !errdefs.IsConflict(err) || !strings.Contains(err.Error(), id) {
		t.Fatalf("Remove with %s attached: %v, want a conflict naming it", id, err)
	}
	if _, err := m.Get(n.Name); err != nil {
		t.Fatalf("a refused Remove took the network's file: %v", err)
	}
	if got := m.Leases(n.Name, id); len(got) != 1 {
		t.Fatalf("a refused Remove took the owner's lease: %v", got)
	}
	k, _ := keeperNames("podunit0")
	checkKeeperOn(t, k)
	if err := m.Detach(ctx, a); err != nil {
		t.Fatal(err)
	}
	// a lease whose owner is gone (removed by a command that was killed)
	if _, err := m.lease(n.Name, net.ParseIP("10.89.0.77"), strings.Repeat("e3", 32)); err != nil {
		t.Fatal(err)
	}
	if err := m.Remove(ctx, n, func(o string) bool { return o == id }); err != nil {
		t.Fatalf("Remove with a stale lease only: %v", err)
	}
	requireNoLinksOrRules(t, m)
	if _, err := os.Stat(m.leaseDir(n.Name)); !os.IsNotExist(err) {
		t.Fatalf("Remove left the network's leases: %v", err)
	}
}
