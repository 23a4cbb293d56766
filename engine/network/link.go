package network

import (
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
)

// deleteLink removes the network interface name; a missing one is fine.
func deleteLink(name string) error {
	if _, err := net.InterfaceByName(name); err != nil {
		return nil
	}
	out, err := exec.Command("ip", "link", "delete", name).CombinedOutput()
	if err != nil {
		if _, gone := net.InterfaceByName(name); gone != nil {
			return nil
		}
		return fmt.Errorf("ip link delete %s: %v: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// The chains netavark creates once and shares among all networks; it
// never removes them. Each is (table, chain, the chains that jump to it,
// the rules it holds when nothing uses it).
var sharedChains = []struct {
	table, chain string
	from         []string
	idle         int
}{
	{"nat", "NETAVARK-HOSTPORT-DNAT", []string{"PREROUTING", "OUTPUT"}, 0},
	{"nat", "NETAVARK-HOSTPORT-SETMARK", nil, 1},
	{"nat", "NETAVARK-HOSTPORT-MASQ", []string{"POSTROUTING"}, 1},
	{"filter", "NETAVARK_FORWARD", []string{"FORWARD"}, 0},
	{"filter", "NETAVARK_ISOLATION_1", []string{"FORWARD"}, 0}, // -o isolate=true
	{"filter", "NETAVARK_ISOLATION_2", nil, 0},
}

// SharedChainNames are the names of the chains netavark shares among all
// networks (for censuses of what a network leaves behind).
func SharedChainNames() []string {
	names := make([]string, 0, len(sharedChains))
	for _, c := range sharedChains {
		names = append(names, c.chain)
	}
	return names
}

// RemoveSharedChains removes netavark's shared iptables and ip6tables
// chains when nothing uses them any more (each holds no more than its idle
// rules), so that removing the last network leaves the host's rules as
// they were. It holds the lock that netavark setup and teardown run under:
// a setup between the count and the removal would find its jumps gone, or
// keep a chain busy ("CHAIN_DEL failed (Device or resource busy)").
func (m *Manager) RemoveSharedChains() error {
	unlock, err := m.lock()
	if err != nil {
		return err
	}
	defer unlock()
	nets, err := m.List()
	if err != nil {
		return err
	}
	kept := map[string]bool{} // a kept bridge keeps its network's DNAT chain
	for _, n := range nets {
		kept[dnatChain(n.Name)] = true
	}
	var errs []error
	for _, bin := range []string{"iptables", "ip6tables"} {
		if _, err := exec.LookPath(bin); err == nil {
			errs = append(errs, removeSharedChains(bin, func(c string) bool { return kept[c] }))
		}
	}
	return errors.Join(errs...)
}

// removeDNATChain deletes network name's DNAT chain when idle. Remove does
// it before the network's file goes: RemoveSharedChains, after, keeps the
// chains of the networks that exist, and a re-run of a removal killed in
// between finds no network to remove, so the chain stayed for good. The
// caller holds the netavark lock.
func (m *Manager) removeDNATChain(name string) error {
	own := dnatChain(name)
	var errs []error
	for _, bin := range []string{"iptables", "ip6tables"} {
		if _, err := exec.LookPath(bin); err == nil {
			errs = append(errs, removeIdleDNATChains(bin, func(c string) bool { return c != own }))
		}
	}
	return errors.Join(errs...)
}

// dnatChain is the name netavark 1.4 gives network name's DNAT chain:
// NETAVARK-DN- and the first 13 hex digits of the SHA-512 of the name.
func dnatChain(name string) string {
	sum := sha512.Sum512([]byte(name))
	return "NETAVARK-DN-" + strings.ToUpper(hex.EncodeToString(sum[:7]))[:13]
}

func removeSharedChains(bin string, kept func(chain string) bool) error {
	if err := removeIdleDNATChains(bin, kept); err != nil {
		return err
	}
	for _, c := range sharedChains {
		if n := rules(bin, c.table, c.chain); n > c.idle {
			return nil
		}
	}
	var errs []error
	for _, c := range sharedChains {
		for _, from := range c.from {
			if err := deleteJumps(bin, c.table, from, c.chain); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for _, op := range []string{"-F", "-X"} {
		for _, c := range sharedChains {
			if rules(bin, c.table, c.chain) < 0 {
				continue
			}
			if err := iptables(bin, "-t", c.table, op, c.chain); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// deleteJumps deletes the rules of chain from that jump to target, by
// number (their matches and comments vary with netavark's version),
// highest first so the numbers stay valid.
func deleteJumps(bin, table, from, target string) error {
	out, err := exec.Command(bin, "-w", "-t", table, "-n", "--line-numbers", "-L", from).Output()
	if err != nil {
		return nil // no such chain
	}
	var nums []string
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[1] == target {
			nums = append(nums, f[0])
		}
	}
	for i := len(nums) - 1; i >= 0; i-- {
		if err := iptables(bin, "-t", table, "-D", from, nums[i]); err != nil {
			return err
		}
	}
	return nil
}

// rules counts the rules of chain; -1 when it does not exist.
func rules(bin, table, chain string) int {
	out, err := exec.Command(bin, "-w", "-t", table, "-S", chain).Output()
	if err != nil {
		return -1
	}
	return strings.Count(string(out), "\n-A ")
}

func iptables(bin string, args ...string) error {
	out, err := exec.Command(bin, append([]string{"-w"}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", bin, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// removeIdleDNATChains deletes the per-network NETAVARK-DN-* chains of the
// nat table that hold no rule and that nothing jumps to, but those kept
// (of the networks that still exist): netavark removes one only when the
// last container of its network that it tears down had published ports.
func removeIdleDNATChains(bin string, kept func(chain string) bool) error {
	out, err := exec.Command(bin, "-w", "-t", "nat", "-S").Output()
	if err != nil {
		return nil
	}
	text := string(out)
	var errs []error
	for _, line := range strings.Split(text, "\n") {
		chain, ok := strings.CutPrefix(line, "-N ")
		if !ok || !strings.HasPrefix(chain, "NETAVARK-DN-") || kept(chain) {
			continue
		}
		if strings.Contains(text, "-A "+chain+" ") || strings.Contains(text, "-j "+chain+"\n") || strings.Contains(text, "-j "+chain+" ") {
			continue
		}
		errs = append(errs, iptables(bin, "-t", "nat", "-X", chain))
	}
	return errors.Join(errs...)
}
