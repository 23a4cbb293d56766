package main

import (
	"fmt"

	"github.com/podunit/podunit/engine/model"
)

// podInfraConfig is the network part of Podman's pod InfraConfig: what the
// pod's shared network namespace was created with.
type podInfraConfig struct {
	PortBindings   map[string][]inspectPort `json:"PortBindings"`
	HostNetwork    bool                     `json:"HostNetwork"`
	StaticIP       string                   `json:"StaticIP"`
	StaticIPv6     string                   `json:"StaticIPv6"`
	StaticMAC      string                   `json:"StaticMAC"`
	DNSServer      []string                 `json:"DNSServer"`
	DNSSearch      []string                 `json:"DNSSearch"`
	DNSOption      []string                 `json:"DNSOption"`
	NoManageHosts  bool                     `json:"NoManageHosts"`
	HostAdd        []string                 `json:"HostAdd"`
	Networks       []string                 `json:"Networks"`
	NetworkOptions map[string][]string      `json:"NetworkOptions"`
	podInfraNS
}

func newPodInfraConfig(cfg *model.PodConfig) *podInfraConfig {
	first := cfg.NetworkOpts[cfg.Network]
	ic := &podInfraConfig{PortBindings: portBindings(cfg.Ports), HostNetwork: cfg.Network == "host",
		StaticIP: first.IP, StaticIPv6: first.IP6, StaticMAC: first.MAC,
		DNSServer: cfg.DNS, DNSSearch: cfg.DNSSearch, DNSOption: cfg.DNSOptions,
		NoManageHosts: cfg.NoHosts, HostAdd: cfg.AddHost, podInfraNS: newPodInfraNS(cfg.PodHostNS)}
	if isNamedNetwork(cfg.Network) {
		ic.Networks = append([]string{cfg.Network}, cfg.Networks...)
	}
	for _, n := range ic.Networks {
		if a := cfg.NetworkOpts[n].Aliases; len(a) > 0 {
			if ic.NetworkOptions == nil {
				ic.NetworkOptions = map[string][]string{}
			}
			ic.NetworkOptions[n] = append(ic.NetworkOptions[n], a...)
		}
	}
	return ic
}

// isNamedNetwork reports whether a network mode names a network.
func isNamedNetwork(mode string) bool {
	return mode != "" && mode != "none" && mode != "host"
}

// portBindings is Podman's "PORT/PROTO" → host addresses map.
func portBindings(ports []model.PortMapping) map[string][]inspectPort {
	out := map[string][]inspectPort{}
	for _, p := range ports {
		key := fmt.Sprintf("%d/%s", p.ContainerPort, p.Protocol)
		out[key] = append(out[key], inspectPort{HostIP: p.HostIP, HostPort: fmt.Sprint(p.HostPort)})
	}
	return out
}
