package network

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.podman.io/common/libnetwork/types"

	"github.com/podunit/podunit/engine/errdefs"
)

// Network is one network in Podman's own format: the file on disk, what
// netavark is handed and what `network inspect` shows are this struct.
type Network = types.Network

// Subnet is one subnet of a network, with its gateway and lease range.
type Subnet = types.Subnet

// Drivers are the network drivers netavark 1.4 has built in.
var Drivers = []string{types.BridgeNetworkDriver, types.MacVLANNetworkDriver, types.IPVLANNetworkDriver}

// Pool is where `network create` takes a subnet when none is given: the
// first /24 of 10.89.0.0/16 after 10.89.0.0/24 (the default network's)
// that no network uses. Podman's pool starts at 10.89.0.0/24 too, but its default
// network is 10.88.0.0/16, and podunit's networks are its own.
const poolPrefix = "10.89."

// DefaultNetwork is the default network: bridge podunit0 on 10.89.0.0/24,
// without DNS, as Podman's default network (Podman's is 10.88.0.0/16;
// the two can live side by side).
func DefaultNetwork(id string) Network {
	n := Network{Name: DefaultName, ID: id, Driver: types.BridgeNetworkDriver, NetworkInterface: "podunit0",
		Subnets: []Subnet{{Subnet: mustCIDR("10.89.0.0/24")}}}
	_ = Complete(&n, nil)
	return n
}

func mustCIDR(s string) types.IPNet {
	n, err := types.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	return n
}

// Complete validates a network asked for by `network create` (ID, Name,
// Driver, Subnets, Options as given) against the existing ones, and fills
// in what Podman fills in: the bridge's name, a free subnet, gateways,
// the IPAM driver, empty maps. It is what newer netavark's `create` does.
// A network without an IPv4 subnet gets the first free one of pools
// (containers.conf's default_subnet_pools), or of 10.89.0.0/16 without.
func Complete(n *Network, existing []Network, pools ...SubnetPool) error {
	if n.Driver == "" {
		n.Driver = types.BridgeNetworkDriver
	}
	if !slices.Contains(Drivers, n.Driver) {
		return invalid(n, "driver %q: want bridge, macvlan or ipvlan", n.Driver)
	}
	if n.Created.IsZero() {
		n.Created = time.Now()
	}
	for _, m := range []*map[string]string{&n.Labels, &n.Options, &n.IPAMOptions} {
		if *m == nil {
			*m = map[string]string{}
		}
	}
	if err := completeIPAM(n); err != nil {
		return err
	}
	if err := takeParent(n); err != nil {
		return err
	}
	if err := checkOptions(n); err != nil {
		return err
	}
	if err := completeInterface(n, existing); err != nil {
		return err
	}
	if err := completeSubnets(n, existing, pools); err != nil {
		return err
	}
	if err := checkRoutes(n); err != nil {
		return err
	}
	if n.Name == "" {
		n.Name = n.NetworkInterface
	}
	return nil
}

func invalid(n *Network, format string, args ...any) error {
	return fmt.Errorf("network %q: %s: %w", n.Name, fmt.Sprintf(format, args...), errdefs.ErrInvalidArgument)
}

// completeIPAM checks the IPAM driver: host-local (podunit hands out the
// addresses), none (no addresses) or dhcp (macvlan only, not served by
// podunit: netavark 1.4 has no DHCP proxy).
func completeIPAM(n *Network) error {
	d := n.IPAMOptions[types.Driver]
	lan := n.Driver != types.BridgeNetworkDriver // macvlan, ipvlan: addresses of the parent's LAN
	switch {
	case d == "" && lan && len(n.Subnets) == 0:
		// Podman's choice for them: the LAN's DHCP server
		return fmt.Errorf("network %q: driver %s without --subnet takes its addresses by DHCP, as in Podman, which needs netavark's DHCP proxy, missing from Debian's netavark 1.4: give --subnet (or --ipam-driver none): %w",
			n.Name, n.Driver, errdefs.ErrNotImplemented)
	case d == types.HostLocalIPAMDriver && lan && len(n.Subnets) == 0:
		return invalid(n, "driver %s with --ipam-driver host-local needs a --subnet", n.Driver)
	}
	switch d {
	case "":
		n.IPAMOptions[types.Driver] = types.HostLocalIPAMDriver
	case types.HostLocalIPAMDriver, types.NoneIPAMDriver:
	case types.DHCPIPAMDriver:
		return fmt.Errorf("network %q: --ipam-driver dhcp needs netavark's DHCP proxy, which Debian's netavark 1.4 lacks: %w", n.Name, errdefs.ErrNotImplemented)
	default:
		return invalid(n, "--ipam-driver %q: want host-local or none", d)
	}
	if d == types.NoneIPAMDriver && len(n.Subnets) > 0 {
		return invalid(n, "--ipam-driver none takes no --subnet")
	}
	return nil
}

// checkOptions checks -o options by driver, as Podman does.
func checkOptions(n *Network) error {
	for k, v := range n.Options {
		ok := true
		switch k {
		case types.MTUOption, types.VLANOption, types.MetricOption:
			_, err := strconv.ParseUint(v, 10, 32)
			ok = err == nil
		case types.IsolateOption:
			ok = n.Driver == types.BridgeNetworkDriver && (v == "true" || v == "false") // netavark 1.4 has no strict
		case types.ModeOption:
			switch n.Driver {
			case types.MacVLANNetworkDriver:
				ok = slices.Contains(types.ValidMacVLANModes, v)
			case types.IPVLANNetworkDriver:
				ok = slices.Contains(types.ValidIPVLANModes, v)
			default:
				ok = false
			}
		case types.NoDefaultRoute:
			ok = v == "true" || v == "false" || v == "1" || v == "0"
		default:
			return invalid(n, "unsupported option %q for driver %s", k, n.Driver)
		}
		if !ok {
			return invalid(n, "option %s=%q", k, v)
		}
	}
	return nil
}

// completeInterface picks the bridge's name (podunitN, the first free) or
// checks the macvlan/ipvlan parent given with --interface-name.
func completeInterface(n *Network, existing []Network) error {
	used := map[string]bool{}
	for _, x := range existing {
		if x.Driver == types.BridgeNetworkDriver {
			used[x.NetworkInterface] = true
		}
	}
	if n.Driver != types.BridgeNetworkDriver {
		if n.NetworkInterface == "" {
			return nil // netavark takes the default route's interface, as in Podman
		}
		if _, err := net.InterfaceByName(n.NetworkInterface); err != nil {
			return invalid(n, "parent interface %q: %v", n.NetworkInterface, err)
		}
		return nil
	}
	if n.NetworkInterface != "" {
		if len(n.NetworkInterface) > 15 {
			return invalid(n, "bridge name %q: want at most 15 characters", n.NetworkInterface)
		}
		if used[n.NetworkInterface] {
			return fmt.Errorf("network %q: bridge %q is used by another network: %w", n.Name, n.NetworkInterface, errdefs.ErrConflict)
		}
		return nil
	}
	for i := 1; ; i++ {
		if b := "podunit" + strconv.Itoa(i); !used[b] {
			n.NetworkInterface = b
			return nil
		}
	}
}

// completeSubnets normalises the subnets asked for, checks them against
// each other and the other networks, gives each a gateway (but an
// internal network's without DNS: it needs no address on the bridge),
// and picks a free IPv4 subnet of pools (and an IPv6 /64 with --ipv6) when none is given.
func completeSubnets(n *Network, existing []Network, pools []SubnetPool) error {
	if n.IPAMOptions[types.Driver] == types.NoneIPAMDriver {
		return nil
	}
	var used []*net.IPNet
	for _, x := range existing {
		for _, s := range x.Subnets {
			used = append(used, &s.Subnet.IPNet)
		}
	}
	has4, has6 := false, false
	for i := range n.Subnets {
		s := &n.Subnets[i]
		if err := checkSubnet(n, s, used); err != nil {
			return err
		}
		used = append(used, &s.Subnet.IPNet)
		if s.Subnet.IP.To4() != nil {
			has4 = true
		} else {
			has6, n.IPv6Enabled = true, true
		}
	}
	if !has4 && !has6 {
		s, err := poolSubnet(used, pools)
		if err != nil {
			return invalid(n, "%v: give --subnet", err)
		}
		n.Subnets = append(n.Subnets, s)
		used = append(used, &s.Subnet.IPNet)
	}
	if n.IPv6Enabled && !has6 {
		s, err := freeSubnet(used, func(i int) string { return fmt.Sprintf("fd00:89:%x::/64", i) })
		if err != nil {
			return invalid(n, "no free subnet in fd00:89::/48: give an IPv6 --subnet")
		}
		n.Subnets = append(n.Subnets, s)
	}
	for i := range n.Subnets {
		s := &n.Subnets[i]
		if s.Gateway == nil && (!n.Internal || n.DNSEnabled) {
			s.Gateway = nextIP(s.Subnet.IP)
		}
	}
	return nil
}

// checkSubnet normalises s and checks its gateway and lease range.
func checkSubnet(n *Network, s *Subnet, used []*net.IPNet) error {
	ipn := s.Subnet.IPNet
	if ipn.IP == nil || ipn.Mask == nil {
		return invalid(n, "a subnet is empty")
	}
	ipn.IP = ipn.IP.Mask(ipn.Mask)
	if v4 := ipn.IP.To4(); v4 != nil {
		ipn.IP = v4
	}
	s.Subnet = types.IPNet{IPNet: ipn}
	for _, u := range used {
		if u.Contains(ipn.IP) || ipn.Contains(u.IP) {
			return fmt.Errorf("network %q: subnet %s overlaps %s, used by another network: %w", n.Name, &ipn, u, errdefs.ErrConflict)
		}
	}
	if s.Gateway != nil && !ipn.Contains(s.Gateway) {
		return invalid(n, "gateway %s is not in subnet %s", s.Gateway, &ipn)
	}
	if r := s.LeaseRange; r != nil {
		if (r.StartIP != nil && !ipn.Contains(r.StartIP)) || (r.EndIP != nil && !ipn.Contains(r.EndIP)) {
			return invalid(n, "--ip-range %s-%s is not in subnet %s", r.StartIP, r.EndIP, &ipn)
		}
	}
	return nil
}

// poolSubnet is the first subnet of pools that overlaps no used one.
func poolSubnet(used []*net.IPNet, pools []SubnetPool) (Subnet, error) {
	if len(pools) == 0 {
		// the default network owns 10.89.0.0/24, made or not
		s, err := freeSubnet(used, func(i int) string { return fmt.Sprintf("%s%d.0/24", poolPrefix, i+1) })
		if err != nil {
			return s, errors.New("no free subnet in 10.89.0.0/16")
		}
		return s, nil
	}
	var names []string
	for _, p := range pools {
		names = append(names, fmt.Sprintf("%s in /%ds", p.Base, p.Size))
	next:
		for i := 0; ; i++ {
			c, err := p.cidr(i)
			if err != nil {
				break
			}
			for _, u := range used {
				if u.Contains(c.IP) || c.Contains(u.IP) {
					continue next
				}
			}
			return Subnet{Subnet: types.IPNet{IPNet: *c}}, nil
		}
	}
	return Subnet{}, fmt.Errorf("no free subnet in containers.conf's default_subnet_pools (%s)", strings.Join(names, ", "))
}

// freeSubnet is the first of candidate(0..255) that overlaps no used subnet.
func freeSubnet(used []*net.IPNet, candidate func(int) string) (Subnet, error) {
next:
	for i := 0; i < 255; i++ {
		s := mustCIDR(candidate(i))
		for _, u := range used {
			if u.Contains(s.IP) || s.Contains(u.IP) {
				continue next
			}
		}
		return Subnet{Subnet: s}, nil
	}
	return Subnet{}, errdefs.ErrConflict
}

// nextIP is ip + 1.
func nextIP(ip net.IP) net.IP {
	out := append(net.IP{}, ip...)
	if v4 := out.To4(); v4 != nil {
		out = v4
	}
	for i := len(out) - 1; i >= 0; i-- {
		out[i]++
		if out[i] != 0 {
			break
		}
	}
	return out
}

// ParseSubnet reads --subnet CIDR with its --gateway and --ip-range (a
// CIDR or FIRST-LAST), each "" when not given.
func ParseSubnet(cidr, gateway, ipRange string) (Subnet, error) {
	bad := func(flag, v string) error {
		return fmt.Errorf("%s %q: %w", flag, v, errdefs.ErrInvalidArgument)
	}
	var s Subnet
	var err error
	if s.Subnet, err = types.ParseCIDR(cidr); err != nil {
		return s, bad("--subnet", cidr)
	}
	if gateway != "" {
		if s.Gateway = net.ParseIP(gateway); s.Gateway == nil {
			return s, bad("--gateway", gateway)
		}
		s.Gateway = normal(s.Gateway)
	}
	if ipRange == "" {
		return s, nil
	}
	r := &types.LeaseRange{}
	if first, last, ok := strings.Cut(ipRange, "-"); ok {
		r.StartIP, r.EndIP = net.ParseIP(first), net.ParseIP(last)
	} else if ipn, err := types.ParseCIDR(ipRange); err == nil {
		first, last := leaseRange(Subnet{Subnet: ipn})
		r.StartIP, r.EndIP = first, last
	}
	if r.StartIP == nil || r.EndIP == nil {
		return s, bad("--ip-range", ipRange)
	}
	r.StartIP, r.EndIP = normal(r.StartIP), normal(r.EndIP)
	s.LeaseRange = r
	return s, nil
}
