package network

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRemoveSeveralDNSNetworks is the CI failure of `network rm` of
// several DNS networks ("aardvark pid not found"): each removal sets a
// namespace up on its network and tears it down; the teardown of the last
// DNS network's file makes aardvark-dns stop, and the next network's setup
// must not find it dying. Several rounds, as the race needs luck to show.
func TestRemoveSeveralDNSNetworks(t *testing.T) {
	if !inNetNS(t) {
		return
	}
	ctx := context.Background()
	dir := t.TempDir()
	m := NewManager(filepath.Join(dir, "networks"), filepath.Join(dir, "run"))
	const nets, rounds = 4, 6
	t.Cleanup(func() { // a failed round may leave it
		if pid := m.AardvarkPID(); pid > 0 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	for r := range rounds {
		var all []Network
		for i := range nets {
			n := Network{Name: fmt.Sprintf("dns%d", i), ID: strings.Repeat(fmt.Sprintf("%x", 10+i), 64), DNSEnabled: true}
			if err := Complete(&n, all); err != nil {
				t.Fatal(err)
			}
			if err := m.Add(n); err != nil {
				t.Fatal(err)
			}
			all = append(all, n)
			// a container that comes and goes leaves the network's bridge,
			// DNS file and aardvark-dns kept (the keepers)
			id := strings.Repeat(fmt.Sprintf("%x", i), 64)
			pin, err := Pin(filepath.Join(dir, "ctr"+id[:4]), []string{Net}, "")
			if err != nil {
				t.Fatal(err)
			}
			port := uint16(18500 + i)
			a := Attachment{ID: id, Name: "c" + id[:4], NetNS: pin.Path(Net), Endpoints: []Endpoint{{Network: n.Name, IfName: "eth0"}},
				Ports: []PortMapping{{HostIP: "127.0.0.1", HostPort: port, ContainerPort: 80, Protocol: "tcp"}}}
			if _, err := m.Attach(ctx, a); err != nil {
				t.Fatal(err)
			}
			if err := m.Detach(ctx, a); err != nil {
				t.Fatal(err)
			}
			// a teardown handed the network without DNS takes the container's rules all the same
			if rules := sh(t, "iptables-save | grep -c -- "+fmt.Sprint(port)+" || true"); rules != "0\n" {
				t.Fatalf("round %d: port %d is still forwarded after the teardown:\n%s", r, port, sh(t, "iptables-save"))
			}
			if err := Unpin(pin.Dir); err != nil {
				t.Fatal(err)
			}
		}
		pid := m.AardvarkPID()
		if pid == 0 {
			t.Fatalf("round %d: no aardvark-dns runs for the networks' keepers\n%s", r, sh(t, "ls -la "+m.aardvarkDir()+"; head -50 "+m.aardvarkDir()+"/*; ps -eo pid,ppid,stat,etime,cmd | grep [a]ardvark"))
		}
		stop := slowAardvark(m)
		for i, n := range all {
			if err := m.Remove(ctx, n, nil); err != nil {
				stop()
				t.Fatalf("round %d: network rm %s: %v", r, n.Name, err)
			}
			// the networks left keep their aardvark-dns
			if now := m.AardvarkPID(); i < len(all)-1 && now != pid {
				stop()
				t.Fatalf("round %d: after network rm %s aardvark-dns is pid %d, was %d", r, n.Name, now, pid)
			}
		}
		stop()
		if pid := m.AardvarkPID(); pid != 0 {
			t.Fatalf("round %d: aardvark-dns (pid %d) outlives the last DNS network", r, pid)
		}
	}
	// netavark's teardowns, handed the networks without DNS, still took every rule
	requireNoLinksOrRules(t, m)
}

// slowAardvark makes aardvark-dns slow to act on its signals, as on a
// loaded machine: stopped most of the time, running a little. It returns
// the function that ends it and lets aardvark-dns run on.
func slowAardvark(m *Manager) func() {
	done, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		for {
			pid := m.AardvarkPID()
			if pid > 0 {
				_ = syscall.Kill(pid, syscall.SIGSTOP)
			}
			select {
			case <-done:
			case <-time.After(30 * time.Millisecond):
			}
			if pid > 0 {
				_ = syscall.Kill(pid, syscall.SIGCONT)
			}
			select {
			case <-done:
				return
			case <-time.After(3 * time.Millisecond):
			}
		}
	}()
	return func() { close(done); <-ended }
}

// TestForgetDNS: a teardown's DNS part. The owner's lines go whole-file,
// the keeper's too, the file with the last container; netavark is handed
// the networks without DNS; networks without DNS pass as they are.
func TestForgetDNS(t *testing.T) {
	m := NewManager(t.TempDir(), t.TempDir())
	if err := os.MkdirAll(m.aardvarkDir(), 0o755); err != nil {
		t.Fatal(err)
	}
	id, other := strings.Repeat("a1", 32), strings.Repeat("b2", 32)
	write := func(name, data string) {
		if err := os.WriteFile(m.dnsFile(name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app", "10.89.1.1\n"+id+" 10.89.1.2  web,a1a1\n"+other+" 10.89.1.3  db\n"+dnsKeeperLine+"\n")
	write("solo", "10.89.2.1\n"+id+" 10.89.2.2  web\n")
	o := &netavarkOpts{ContainerID: id, NetworkInfo: map[string]*Network{
		"app": {Name: "app", Driver: "bridge", DNSEnabled: true}, "solo": {Name: "solo", Driver: "bridge", DNSEnabled: true},
		"gone": {Name: "gone", Driver: "bridge", DNSEnabled: true}, "plain": {Name: "plain", Driver: "bridge"}}}
	out, err := m.forgetDNS(id, o)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(m.dnsFile("app")); string(got) != "10.89.1.1\n"+other+" 10.89.1.3  db\n"+dnsKeeperLine+"\n" {
		t.Fatalf("app's file after forgetDNS: %q", got)
	}
	if _, err := os.Stat(m.dnsFile("solo")); !os.IsNotExist(err) {
		t.Fatalf("solo's file outlives its last container: %v", err)
	}
	for name, n := range out.NetworkInfo {
		if n.DNSEnabled {
			t.Errorf("netavark's teardown is handed %s with DNS", name)
		}
	}
	if !o.NetworkInfo["app"].DNSEnabled || len(out.NetworkInfo) != 4 {
		t.Fatalf("forgetDNS changed its input or lost a network: %+v", out.NetworkInfo)
	}
}

// TestIsAardvark: this test's own process is alive but no aardvark-dns; a
// pid that is none at all is no aardvark-dns either.
func TestIsAardvark(t *testing.T) {
	if isAardvark(os.Getpid()) {
		t.Fatal("the test binary passed for aardvark-dns")
	}
	if isAardvark(1 << 30) {
		t.Fatal("a pid that does not exist passed for aardvark-dns")
	}
	m := NewManager(t.TempDir(), t.TempDir())
	if err := os.MkdirAll(m.aardvarkDir(), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(m.aardvarkDir(), "aardvark.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		t.Fatal(err)
	}
	if pid := m.AardvarkPID(); pid != 0 {
		t.Fatalf("AardvarkPID took the pid of another process: %d", pid)
	}
	if m.dnsNetworksLeft() {
		t.Fatal("the pid file passed for a network's file")
	}
	if err := os.WriteFile(m.dnsFile("app"), []byte("10.89.1.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !m.dnsNetworksLeft() {
		t.Fatal("a network's file went unseen")
	}
}

// TestRemoveKilledAfterItsDNSEdit: a network rm killed between taking the
// keeper's line out of aardvark-dns's file and signalling aardvark-dns (as
// TestFaultInjection's kills found) left it running for good: the re-run
// found the file unchanged and told it nothing.
func TestRemoveKilledAfterItsDNSEdit(t *testing.T) {
	if !inNetNS(t) {
		return
	}
	ctx := context.Background()
	dir := t.TempDir()
	m := NewManager(filepath.Join(dir, "networks"), filepath.Join(dir, "run"))
	n := Network{Name: "dnskill", ID: strings.Repeat("ab", 32), DNSEnabled: true}
	if err := Complete(&n, nil); err != nil {
		t.Fatal(err)
	}
	if err := m.Add(n); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if pid := m.AardvarkPID(); pid > 0 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	id := strings.Repeat("cd", 32)
	pin, err := Pin(filepath.Join(dir, "ctr"), []string{Net}, "")
	if err != nil {
		t.Fatal(err)
	}
	a := Attachment{ID: id, Name: "c", NetNS: pin.Path(Net), Endpoints: []Endpoint{{Network: n.Name, IfName: "eth0"}}}
	if _, err := m.Attach(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := m.Detach(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := Unpin(pin.Dir); err != nil {
		t.Fatal(err)
	}
	if m.AardvarkPID() == 0 {
		t.Fatal("no aardvark-dns runs for the network's keeper")
	}
	// the killed removal's first step, without its signal
	if changed, err := m.editDNS(n.Name, isKeeper, true); err != nil || !changed {
		t.Fatalf("taking the keeper's line out: changed %v, %v", changed, err)
	}
	if err := m.Remove(ctx, n, nil); err != nil {
		t.Fatal(err)
	}
	if pid := m.AardvarkPID(); pid != 0 {
		t.Fatalf("aardvark-dns (pid %d) outlives the re-run removal of the last DNS network", pid)
	}
	requireNoLinksOrRules(t, m)
}
