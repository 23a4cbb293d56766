package engine

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/network"
)

// netOwner is what attaches to networks: a container or a pod.
type netOwner struct {
	id, name, netns string
	mode            string // the first network
	nc              model.NetConfig
	ports           []model.PortMapping
}

func containerOwner(c *model.Container, netns string) netOwner {
	return netOwner{id: c.ID, name: c.Name, netns: netns, mode: c.Config.Network, nc: c.Config.NetConfig, ports: c.Config.Ports}
}

func podOwner(p *model.Pod, netns string) netOwner {
	return netOwner{id: p.ID, name: p.Name, netns: netns, mode: p.Config.Network, nc: p.Config.NetConfig, ports: p.Config.Ports}
}

// networksOf are all the networks of o, the first one first.
func networksOf(mode string, nc model.NetConfig) []string {
	if !isNetwork(mode) {
		return nil
	}
	return append([]string{mode}, nc.Networks...)
}

// attachment is o as netavark gets it: one endpoint per network, eth0, eth1, … in order.
func (o netOwner) attachment() network.Attachment {
	var eps []network.Endpoint
	for i, name := range networksOf(o.mode, o.nc) {
		opts := o.nc.NetworkOpts[name]
		eps = append(eps, network.Endpoint{Network: name, IfName: "eth" + strconv.Itoa(i), Aliases: opts.Aliases, MAC: opts.MAC, IPs: staticIPs(opts)})
	}
	return o.on(eps...)
}

// on is o's attachment to the given endpoints only, with its published
// ports (network connect and disconnect act on one network).
func (o netOwner) on(eps ...network.Endpoint) network.Attachment {
	return network.Attachment{ID: o.id, Name: o.name, NetNS: o.netns, Ports: netPorts(o.ports), Endpoints: eps}
}

// attachOwner runs netavark setup for o and returns its first address on
// its first network (IPv4 when it has one).
func (e *Engine) attachOwner(ctx context.Context, o netOwner) (string, error) {
	a := o.attachment()
	res, err := e.networks().Attach(ctx, a)
	if err != nil {
		return "", err
	}
	e.adoptAardvark(ctx)
	if addrs := network.Addresses(res, o.mode); len(addrs) > 0 {
		return addrs[0], nil
	}
	return "", nil
}

// detachOwner runs netavark teardown for o and releases its addresses.
func (e *Engine) detachOwner(ctx context.Context, o netOwner) error {
	a := o.attachment()
	if len(a.Endpoints) == 0 {
		return nil
	}
	return e.networks().Detach(ctx, a)
}

// checkNetOpts checks what was asked for on networks: addresses and MAC
// parse, and each network named exists.
func (e *Engine) checkNetOpts(nc model.NetConfig) error {
	if err := checkNames(nc); err != nil {
		return err
	}
	for _, name := range nc.Networks {
		if _, err := e.networks().Get(name); err != nil {
			return fmt.Errorf("--network %s: %w", name, err)
		}
	}
	for name, o := range nc.NetworkOpts {
		if err := checkNetworkOpts(name, o); err != nil {
			return err
		}
		n, err := e.networks().Get(name)
		if err != nil {
			return err
		}
		for _, ip := range staticIPs(o) {
			if !network.InSubnets(n, ip) {
				return fmt.Errorf("network %s: address %s is in none of its subnets: %w", name, ip, errdefs.ErrInvalidArgument)
			}
		}
	}
	return nil
}

func checkNetworkOpts(name string, o model.NetworkOpts) error {
	bad := func(flag, v string) error {
		return fmt.Errorf("network %s: %s %q: %w", name, flag, v, errdefs.ErrInvalidArgument)
	}
	if ip := net.ParseIP(o.IP); o.IP != "" && (ip == nil || ip.To4() == nil) {
		return bad("--ip (an IPv4 address)", o.IP)
	}
	if ip := net.ParseIP(o.IP6); o.IP6 != "" && (ip == nil || ip.To4() != nil) {
		return bad("--ip6 (an IPv6 address)", o.IP6)
	}
	if _, err := net.ParseMAC(o.MAC); o.MAC != "" && err != nil {
		return bad("--mac-address", o.MAC)
	}
	for _, a := range o.Aliases {
		if err := names.Validate("network alias", a); err != nil {
			return err
		}
	}
	return nil
}

// checkNames checks --dns and --add-host.
func checkNames(nc model.NetConfig) error {
	for _, d := range nc.DNS {
		if net.ParseIP(d) == nil {
			return fmt.Errorf("--dns %q is not an IP address: %w", d, errdefs.ErrInvalidArgument)
		}
	}
	_, err := addHosts(nc.AddHost)
	return err
}

// staticIPs are the addresses asked for with --ip and --ip6.
func staticIPs(o model.NetworkOpts) []net.IP {
	var out []net.IP
	for _, s := range []string{o.IP, o.IP6} {
		if ip := net.ParseIP(s); ip != nil {
			out = append(out, ip)
		}
	}
	return out
}
