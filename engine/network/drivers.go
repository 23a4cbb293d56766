package network

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"go.podman.io/common/libnetwork/types"

	"github.com/podunit/podunit/engine/errdefs"
)

// parentOption is macvlan's and ipvlan's -o parent=DEVICE, Podman's other
// spelling of --interface-name for those drivers.
const parentOption = "parent"

// takeParent moves -o parent= of a macvlan or ipvlan network into its
// NetworkInterface, as Podman does; given both ways, they must agree.
func takeParent(n *Network) error {
	p, ok := n.Options[parentOption]
	if !ok || n.Driver == types.BridgeNetworkDriver {
		return nil
	}
	if n.NetworkInterface != "" && n.NetworkInterface != p {
		return invalid(n, "-o parent=%s and --interface-name %s disagree", p, n.NetworkInterface)
	}
	n.NetworkInterface = p
	delete(n.Options, parentOption)
	return nil
}

// driverSince is the netavark release that first has each driver built
// in (its release notes: ipvlan came with 1.5.0).
var driverSince = map[string][2]int{types.IPVLANNetworkDriver: {1, 5}}

// CheckDriver refuses a network whose driver the installed netavark lacks,
// at `network create` rather than at the first container's start
// (netavark 1.4 says "unknown network driver ipvlan" then).
func (m *Manager) CheckDriver(n Network) error {
	since, ok := driverSince[n.Driver]
	if !ok {
		return nil
	}
	bin := m.Netavark
	if bin == "" {
		bin = FindHelper("netavark")
	}
	if bin == "" {
		return nil // the first setup says netavark is missing, and what to install
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return fmt.Errorf("network %q: asking netavark for its version: %w", n.Name, err)
	}
	major, minor, ok := parseVersion(string(out))
	if !ok || major > since[0] || major == since[0] && minor >= since[1] {
		return nil // an unknown form: leave the verdict to netavark
	}
	return fmt.Errorf("network %q: driver %s needs netavark %d.%d or newer, %s has %s: %w",
		n.Name, n.Driver, since[0], since[1], bin, strings.TrimSpace(string(out)), errdefs.ErrNotImplemented)
}

// SupportedDrivers are the drivers of Drivers that network create takes
// with the installed netavark: what `info` lists as network plugins (Podman
// lists its network backend's drivers there).
func (m *Manager) SupportedDrivers() []string {
	var out []string
	for _, d := range Drivers {
		if m.CheckDriver(Network{Driver: d}) == nil {
			out = append(out, d)
		}
	}
	return out
}

// parseVersion reads "netavark 1.4.0".
func parseVersion(s string) (major, minor int, ok bool) {
	f := strings.Fields(s)
	if len(f) < 2 {
		return 0, 0, false
	}
	parts := strings.Split(f[1], ".")
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	return major, minor, err1 == nil && err2 == nil
}
