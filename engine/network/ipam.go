package network

import (
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.podman.io/common/libnetwork/types"

	"github.com/podunit/podunit/engine/errdefs"
)

// Addresses are handed out here (netavark 1.4 takes static addresses
// only): one lease file per address, <RunDir>/leases/NETWORK/IP, holding
// the owner's ID, created exclusively so two commands never share one.

func (m *Manager) leaseDir(network string) string { return filepath.Join(m.RunDir, "leases", network) }

// Leases are the addresses owner holds on network, sorted.
func (m *Manager) Leases(network, owner string) []net.IP {
	entries, _ := os.ReadDir(m.leaseDir(network))
	var out []net.IP
	for _, e := range entries {
		ip := net.ParseIP(e.Name())
		if ip == nil {
			continue
		}
		if data, err := os.ReadFile(filepath.Join(m.leaseDir(network), e.Name())); err == nil && string(data) == owner {
			out = append(out, normal(ip))
		}
	}
	return out
}

// Attachments counts the leases held on network.
func (m *Manager) Attachments(network string) int {
	entries, _ := os.ReadDir(m.leaseDir(network))
	n := 0
	for _, e := range entries {
		if net.ParseIP(e.Name()) != nil {
			n++
		}
	}
	return n
}

// owners are the owners of network's leases, but the network's own (a
// removal's cycle holds one for a moment), sorted.
func (m *Manager) owners(n Network) []string {
	entries, _ := os.ReadDir(m.leaseDir(n.Name))
	seen := map[string]bool{}
	for _, e := range entries {
		if net.ParseIP(e.Name()) == nil {
			continue
		}
		if data, err := os.ReadFile(filepath.Join(m.leaseDir(n.Name), e.Name())); err == nil && len(data) > 0 && string(data) != n.ID {
			seen[string(data)] = true
		}
	}
	var out []string
	for o := range seen {
		out = append(out, o)
	}
	sort.Strings(out)
	return out
}

func normal(ip net.IP) net.IP {
	if v4 := ip.To4(); v4 != nil {
		return v4
	}
	return ip
}

// lease takes ip on network for owner; one owner already holds is no error.
func (m *Manager) lease(network string, ip net.IP, owner string) (bool, error) {
	if err := os.MkdirAll(m.leaseDir(network), 0o755); err != nil {
		return false, err
	}
	f, err := os.OpenFile(filepath.Join(m.leaseDir(network), ip.String()), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		data, _ := os.ReadFile(filepath.Join(m.leaseDir(network), ip.String()))
		return string(data) == owner, nil
	}
	if err != nil {
		return false, err
	}
	_, err = f.WriteString(owner)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err == nil, err
}

// Release gives back every address owner holds on network.
func (m *Manager) Release(network, owner string) error {
	var errs []error
	for _, ip := range m.Leases(network, owner) {
		if err := os.Remove(filepath.Join(m.leaseDir(network), ip.String())); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Allocate gives owner one address in each subnet of n: the one asked for
// in want when it is in that subnet, else the first free one in the
// subnet's lease range. It returns what owner holds (a re-run after a
// crash keeps the addresses it had).
func (m *Manager) Allocate(n Network, owner string, want []net.IP) ([]net.IP, error) {
	if n.IPAMOptions[types.Driver] == types.NoneIPAMDriver {
		return nil, nil
	}
	held := m.Leases(n.Name, owner)
	for _, w := range want {
		if !inSubnets(n, w) {
			return nil, fmt.Errorf("network %q: address %s is in none of its subnets: %w", n.Name, w, errdefs.ErrInvalidArgument)
		}
	}
	for _, s := range n.Subnets {
		if holds(held, s) {
			continue
		}
		ip, err := m.allocateIn(n, s, owner, want)
		if err != nil {
			return nil, err
		}
		held = append(held, ip)
	}
	return held, nil
}

// InSubnets reports whether ip is in one of n's subnets.
func InSubnets(n Network, ip net.IP) bool { return inSubnets(n, ip) }

func inSubnets(n Network, ip net.IP) bool {
	for _, s := range n.Subnets {
		if s.Subnet.Contains(ip) {
			return true
		}
	}
	return false
}

func holds(held []net.IP, s Subnet) bool {
	for _, ip := range held {
		if s.Subnet.Contains(ip) {
			return true
		}
	}
	return false
}

func (m *Manager) allocateIn(n Network, s Subnet, owner string, want []net.IP) (net.IP, error) {
	for _, w := range want {
		if !s.Subnet.Contains(w) {
			continue
		}
		ok, err := m.lease(n.Name, normal(w), owner)
		if err == nil && !ok {
			err = fmt.Errorf("network %q: address %s is taken: %w", n.Name, w, errdefs.ErrConflict)
		}
		return normal(w), err
	}
	first, last := leaseRange(s)
	for ip, i := first, 0; ipLE(ip, last) && i < 65536; ip, i = nextIP(ip), i+1 {
		if s.Gateway != nil && ip.Equal(s.Gateway) {
			continue
		}
		ok, err := m.lease(n.Name, ip, owner)
		if err != nil {
			return nil, err
		}
		if ok {
			return ip, nil
		}
	}
	return nil, fmt.Errorf("network %q: no free address in %s: %w", n.Name, &s.Subnet, errdefs.ErrConflict)
}

// leaseRange is the subnet's --ip-range, else all of it but the network
// address (and an IPv4 subnet's broadcast address).
func leaseRange(s Subnet) (net.IP, net.IP) {
	ipn := s.Subnet.IPNet
	first := nextIP(ipn.IP.Mask(ipn.Mask))
	last := make(net.IP, len(ipn.IP.Mask(ipn.Mask)))
	for i, b := range ipn.IP.Mask(ipn.Mask) {
		last[i] = b | ^ipn.Mask[len(ipn.Mask)-len(last)+i]
	}
	if last.To4() != nil {
		last = prevIP(last.To4())
	}
	if r := s.LeaseRange; r != nil {
		if r.StartIP != nil {
			first = normal(r.StartIP)
		}
		if r.EndIP != nil {
			last = normal(r.EndIP)
		}
	}
	return normal(first), normal(last)
}

func prevIP(ip net.IP) net.IP {
	i := new(big.Int).SetBytes(ip)
	i.Sub(i, big.NewInt(1))
	out := make(net.IP, len(ip))
	return i.FillBytes(out)
}

func ipLE(a, b net.IP) bool {
	return len(a) == len(b) && strings.Compare(string(a), string(b)) <= 0
}
