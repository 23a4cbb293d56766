package network

import (
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

// The chains the portmap and firewall plugins create once and share among
// all attachments; they never remove them. Each is (table, chain, the
// chains that jump to it).
var sharedChains = []struct {
	table, chain string
	from         []string
}{
	{"nat", "CNI-HOSTPORT-DNAT", []string{"PREROUTING", "OUTPUT"}},
	{"nat", "CNI-HOSTPORT-SETMARK", nil},
	{"nat", "CNI-HOSTPORT-MASQ", []string{"POSTROUTING"}},
	{"filter", "CNI-FORWARD", []string{"FORWARD"}},
	{"filter", "CNI-ADMIN", nil},
}

// RemoveSharedChains removes the plugins' shared iptables chains when no
// attachment uses them any more (CNI-HOSTPORT-DNAT holds no per-container
// jump and CNI-FORWARD nothing but its jump to CNI-ADMIN), so that removing
// the last network leaves the host's rules as they were.
func RemoveSharedChains() error {
	if _, err := exec.LookPath("iptables"); err != nil {
		return nil
	}
	if rules(("nat"), "CNI-HOSTPORT-DNAT") > 0 || rules("filter", "CNI-FORWARD") > 1 || rules("filter", "CNI-ADMIN") > 0 {
		return nil
	}
	var errs []error
	for _, c := range sharedChains {
		for _, from := range c.from {
			if err := deleteJumps(c.table, from, c.chain); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for _, c := range sharedChains {
		if rules(c.table, c.chain) < 0 {
			continue
		}
		if err := iptables("-t", c.table, "-F", c.chain); err != nil {
			errs = append(errs, err)
		}
	}
	for _, c := range sharedChains {
		if rules(c.table, c.chain) < 0 {
			continue
		}
		if err := iptables("-t", c.table, "-X", c.chain); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// deleteJumps deletes the rules of chain from that jump to target, by
// number (their matches and comments vary with the plugin's version),
// highest first so the numbers stay valid.
func deleteJumps(table, from, target string) error {
	out, err := exec.Command("iptables", "-w", "-t", table, "-n", "--line-numbers", "-L", from).Output()
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
		if err := iptables("-t", table, "-D", from, nums[i]); err != nil {
			return err
		}
	}
	return nil
}

// rules counts the rules of chain; -1 when it does not exist.
func rules(table, chain string) int {
	out, err := exec.Command("iptables", "-w", "-t", table, "-S", chain).Output()
	if err != nil {
		return -1
	}
	return strings.Count(string(out), "\n-A ")
}

func iptables(args ...string) error {
	out, err := exec.Command("iptables", append([]string{"-w"}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("iptables %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}
