package network

import (
	"encoding/json"
	"fmt"
	"net"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
)

// CNIVersion is the version of the conflists podunit writes; Debian's
// plugins (1.1) speak it.
const CNIVersion = "1.0.0"

// Network is one bridge network: what `network create` was asked for and
// what `network inspect` shows. Its conflist is the only record of it.
type Network struct {
	Name     string            `json:"name"`
	ID       string            `json:"id"`
	Driver   string            `json:"driver"` // bridge
	Bridge   string            `json:"network_interface"`
	Subnet   string            `json:"subnet"`
	Gateway  string            `json:"gateway,omitempty"`
	Internal bool              `json:"internal"`
	Labels   map[string]string `json:"labels,omitempty"`
	Created  time.Time         `json:"created"`
}

// The conflist as written: fixed field order, so files are deterministic.
type conflist struct {
	CNIVersion string   `json:"cniVersion"`
	Name       string   `json:"name"`
	Args       listArgs `json:"args"`
	Plugins    []any    `json:"plugins"`
}

// listArgs carries podunit's own facts in the conflist's "args", which
// libcni does not hand to plugins (Podman's CNI backend did the same).
type listArgs struct {
	ID       string            `json:"podunit_id"`
	Labels   map[string]string `json:"podunit_labels,omitempty"`
	Internal bool              `json:"podunit_internal,omitempty"`
	Created  time.Time         `json:"podunit_created"`
}

type bridgePlugin struct {
	Type        string `json:"type"`
	Bridge      string `json:"bridge"`
	IsGateway   bool   `json:"isGateway"`
	IPMasq      bool   `json:"ipMasq"`
	HairpinMode bool   `json:"hairpinMode"`
	IPAM        ipam   `json:"ipam"`
}

type ipam struct {
	Type    string      `json:"type"`
	Routes  []route     `json:"routes,omitempty"`
	Ranges  [][]ipRange `json:"ranges"`
	DataDir string      `json:"dataDir,omitempty"`
}

type route struct {
	Dst string `json:"dst"`
}

type ipRange struct {
	Subnet  string `json:"subnet"`
	Gateway string `json:"gateway,omitempty"`
}

type capPlugin struct {
	Type         string          `json:"type"`
	Capabilities map[string]bool `json:"capabilities,omitempty"`
	Backend      string          `json:"backend,omitempty"`
}

// Conflist renders n as a CNI network configuration list: a bridge with
// host-local addresses (leases under dataDir), then portmap and firewall.
// An internal network's bridge is no gateway: it has no address, there is
// no default route and no masquerading, so its containers reach only each
// other.
func Conflist(n Network, dataDir string) ([]byte, error) {
	if err := n.validate(); err != nil {
		return nil, err
	}
	b := bridgePlugin{Type: "bridge", Bridge: n.Bridge, IsGateway: !n.Internal, IPMasq: !n.Internal,
		HairpinMode: true, IPAM: ipam{Type: "host-local", DataDir: dataDir,
			Ranges: [][]ipRange{{{Subnet: n.Subnet, Gateway: n.Gateway}}}}}
	plugins := []any{&b}
	if !n.Internal {
		b.IPAM.Routes = []route{{Dst: "0.0.0.0/0"}}
		plugins = append(plugins,
			capPlugin{Type: "portmap", Capabilities: map[string]bool{"portMappings": true}},
			capPlugin{Type: "firewall", Backend: "iptables"})
	}
	l := conflist{CNIVersion: CNIVersion, Name: n.Name, Plugins: plugins,
		Args: listArgs{ID: n.ID, Labels: n.Labels, Internal: n.Internal, Created: n.Created.UTC()}}
	data, err := json.MarshalIndent(l, "", "  ")
	return append(data, '\n'), err
}

func (n Network) validate() error {
	_, subnet, err := net.ParseCIDR(n.Subnet)
	if err != nil || subnet.IP.To4() == nil {
		return fmt.Errorf("network %q: subnet %q is not an IPv4 CIDR: %w", n.Name, n.Subnet, errdefs.ErrInvalidArgument)
	}
	if n.Gateway != "" {
		gw := net.ParseIP(n.Gateway)
		if gw == nil || !subnet.Contains(gw) {
			return fmt.Errorf("network %q: gateway %q is not in subnet %s: %w", n.Name, n.Gateway, n.Subnet, errdefs.ErrInvalidArgument)
		}
	}
	if n.Bridge == "" || len(n.Bridge) > 15 {
		return fmt.Errorf("network %q: bridge name %q: want 1 to 15 characters: %w", n.Name, n.Bridge, errdefs.ErrInvalidArgument)
	}
	return nil
}

// The conflist as read back: only what Network needs.
type parsedList struct {
	Name    string            `json:"name"`
	Args    listArgs          `json:"args"`
	Plugins []json.RawMessage `json:"plugins"`
}

// ParseConflist reads back a conflist that Conflist wrote.
func ParseConflist(data []byte) (Network, error) {
	var l parsedList
	if err := json.Unmarshal(data, &l); err != nil {
		return Network{}, err
	}
	n := Network{Name: l.Name, ID: l.Args.ID, Driver: "bridge", Internal: l.Args.Internal,
		Labels: l.Args.Labels, Created: l.Args.Created}
	for _, raw := range l.Plugins {
		var b bridgePlugin
		if err := json.Unmarshal(raw, &b); err != nil || b.Type != "bridge" {
			continue
		}
		n.Bridge = b.Bridge
		if len(b.IPAM.Ranges) > 0 && len(b.IPAM.Ranges[0]) > 0 {
			n.Subnet, n.Gateway = b.IPAM.Ranges[0][0].Subnet, b.IPAM.Ranges[0][0].Gateway
		}
	}
	if n.Name == "" || n.Bridge == "" {
		return n, fmt.Errorf("not a podunit bridge network")
	}
	return n, nil
}

// withDataDir sets the host-local dataDir of every plugin's ipam, so that
// leases live under this engine's run root whatever the file says.
func withDataDir(data []byte, dataDir string) ([]byte, error) {
	var l map[string]any
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, err
	}
	plugins, _ := l["plugins"].([]any)
	for _, p := range plugins {
		pm, _ := p.(map[string]any)
		if ipam, ok := pm["ipam"].(map[string]any); ok {
			ipam["dataDir"] = dataDir
		}
	}
	return json.Marshal(l)
}
