package network

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"go.podman.io/common/libnetwork/types"
)

// The keeper. netavark 1.4 tears a bridge network down completely (the
// bridge, its NAT and forward chains and rules) whenever the interface it
// removes was the bridge's last port, and builds it all again at the next
// setup: about 20 iptables runs each way, a third of a `run --rm -p`.
// podunit keeps a port of its own on every bridge it attaches to: a veth
// pair, both ends down in the host's namespace, one end enslaved to the
// bridge. netavark's teardown of a container then removes only what is
// the container's (its veth, its port forwarding); the bridge and the
// network's rules stay until `network rm`, which removes the keeper and
// has netavark take the network down once more (removeHost).

// keeperNames are the two ends of bridge br's keeper: "pukeep" and 8 hex
// digits of br's hash, the peer with a "p" after (15 characters, the most
// an interface name can have).
func keeperNames(br string) (string, string) {
	sum := sha256.Sum256([]byte(br))
	k := "pukeep" + hex.EncodeToString(sum[:4])
	return k, k + "p"
}

// link is one network interface of this namespace.
type link struct {
	index, master int // master: the index of its bridge, 0 when none
}

// links are the interfaces of this process's network namespace, by name:
// one netlink dump, no process started.
func links() (map[string]link, error) {
	rib, err := syscall.NetlinkRIB(syscall.RTM_GETLINK, syscall.AF_UNSPEC)
	if err != nil {
		return nil, fmt.Errorf("listing network interfaces: %w", err)
	}
	msgs, err := syscall.ParseNetlinkMessage(rib)
	if err != nil {
		return nil, fmt.Errorf("listing network interfaces: %w", err)
	}
	out := map[string]link{}
	for i := range msgs {
		if msgs[i].Header.Type != syscall.RTM_NEWLINK || len(msgs[i].Data) < syscall.SizeofIfInfomsg {
			continue
		}
		attrs, err := syscall.ParseNetlinkRouteAttr(&msgs[i])
		if err != nil {
			continue
		}
		var name string // ifinfomsg: family, pad, type (2 bytes), then the index
		l := link{index: int(int32(binary.NativeEndian.Uint32(msgs[i].Data[4:8])))}
		for _, a := range attrs {
			switch a.Attr.Type {
			case syscall.IFLA_IFNAME:
				name = string(bytes.TrimRight(a.Value, "\x00"))
			case syscall.IFLA_MASTER:
				if len(a.Value) >= 4 {
					l.master = int(binary.NativeEndian.Uint32(a.Value))
				}
			}
		}
		out[name] = l
	}
	return out, nil
}

// keep puts a keeper on bridge br when it has none (netavark has just set
// a container up on it, so it exists). Only a missing or loose keeper
// costs a process: the check is one netlink dump.
func keep(br string) error {
	ls, err := links()
	if err != nil {
		return err
	}
	b, ok := ls[br]
	if !ok {
		return nil
	}
	k, kp := keeperNames(br)
	if l, ok := ls[k]; ok {
		if l.master == b.index {
			return nil
		}
		return ipLink("set", k, "master", br) // the bridge was made again
	}
	if _, ok := ls[kp]; ok { // half of something else: make it whole again
		if err := deleteLink(kp); err != nil {
			return err
		}
	}
	// one request: the pair appears enslaved or not at all
	return ipLink("add", k, "master", br, "type", "veth", "peer", "name", kp)
}

func ipLink(args ...string) error {
	out, err := exec.Command("ip", append([]string{"link"}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip link %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// keepBridges puts a keeper on the bridge of each of a's networks that
// has one, and a DNS keeper in its aardvark-dns file (dnskeeper.go).
func (m *Manager) keepBridges(a Attachment) error {
	var errs []error
	for _, e := range a.Endpoints {
		if n, err := m.Get(e.Network); err == nil && n.Driver == types.BridgeNetworkDriver && n.NetworkInterface != "" {
			errs = append(errs, keep(n.NetworkInterface), m.keepDNS(n))
		}
	}
	return errors.Join(errs...)
}

// removerDir is where network rm pins the namespace it takes network
// name down with; a fixed place, so a re-run after a kill finds it.
func (m *Manager) removerDir(name string) string { return filepath.Join(m.RunDir, "remove", name) }

// removeHost takes down what netavark keeps on the host for bridge
// network n: its keeper, its bridge, its NAT and forward rules. netavark
// 1.4 removes the network's rules only when it tears down the bridge's
// last port, and only a port it can find (a teardown whose container
// interface is gone stops there). So: delete the keeper, set a fresh
// namespace up on the network (netavark makes again whatever a killed
// removal took already) and tear it down, the bridge's last port.
// Each step is idempotent and the namespace's place is fixed: a re-run
// after a kill finishes the job. The caller holds the netavark lock.
func (m *Manager) removeHost(ctx context.Context, n Network) error {
	if n.Driver != types.BridgeNetworkDriver || n.NetworkInterface == "" {
		return nil
	}
	ls, err := links()
	if err != nil {
		return err
	}
	k, _ := keeperNames(n.NetworkInterface)
	_, bridge := ls[n.NetworkInterface]
	_, keeper := ls[k]
	pin := Pinned{Dir: m.removerDir(n.Name)}
	if !bridge && !keeper && !pin.Has(Net) {
		// never used, taken down already, or its bridge deleted by hand:
		// no teardown left to stop aardvark-dns, so tell it itself; a
		// removal killed in its last Unpin (or in Pin, before the
		// namespace) left the place mounted with nothing in it
		return errors.Join(Unpin(pin.Dir), m.dropDNSNotify(n))
	}
	if err := m.cycle(ctx, n, pin); err != nil {
		return fmt.Errorf("network %q: taking its bridge and rules down: %w", n.Name, err)
	}
	return nil
}

// cycle deletes n's keepers and runs one netavark setup and teardown for a
// fresh namespace pinned at pin, with an address n.ID holds meanwhile.
func (m *Manager) cycle(ctx context.Context, n Network, pin Pinned) error {
	if err := Unpin(pin.Dir); err != nil { // what a killed removal left in it
		return err
	}
	if _, err := Pin(pin.Dir, []string{Net}, ""); err != nil {
		return err
	}
	k, _ := keeperNames(n.NetworkInterface)
	// DNS first, as netavark does: aardvark-dns lets go of the network
	// before its bridge goes
	if err := errors.Join(deleteLink(k), m.dropDNSNotify(n)); err != nil {
		return err
	}
	ips, err := m.Allocate(n, n.ID, nil)
	if err != nil {
		return err
	}
	a := Attachment{ID: n.ID, Name: n.Name, NetNS: pin.Path(Net), Endpoints: []Endpoint{{Network: n.Name, IfName: "eth0"}}}
	o, err := m.options(a, map[string][]net.IP{n.Name: ips})
	if err != nil {
		return err
	}
	o.NetworkInfo[n.Name].DNSEnabled = false // no aardvark-dns file, no signal: done above
	if err := m.run(ctx, "setup", a.NetNS, o, nil); err != nil {
		return err
	}
	if err := m.run(ctx, "teardown", a.NetNS, o, nil); err != nil {
		return err
	}
	return errors.Join(m.Release(n.Name, n.ID), Unpin(pin.Dir))
}
