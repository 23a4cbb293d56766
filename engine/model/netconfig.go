package model

// NetConfig is what a container or a pod asked for on its networks and
// for name resolution (a pod member has its pod's networks but its own
// name settings).
type NetConfig struct {
	// Networks are the networks joined beyond Network, in the order
	// joined (--network a --network b, network connect).
	Networks []string `json:"networks,omitempty"`
	// NetworkOpts are the options asked for on each network, by name.
	NetworkOpts map[string]NetworkOpts `json:"networkOpts,omitempty"`
	DNS         []string               `json:"dns,omitempty"`        // --dns: name servers
	DNSSearch   []string               `json:"dnsSearch,omitempty"`  // --dns-search: search domains
	DNSOptions  []string               `json:"dnsOptions,omitempty"` // --dns-option: resolv.conf options
	AddHost     []string               `json:"addHost,omitempty"`    // --add-host: NAME[;NAME...]:IP
	NoHosts     bool                   `json:"noHosts,omitempty"`    // --no-hosts: the image's /etc/hosts

	// ModeOptions are pasta's or slirp4netns's options, as --network
	// pasta:A,B or slirp4netns:K=V,… gave them (Podman's NetworkOptions).
	ModeOptions []string `json:"modeOptions,omitempty"`
}

// NetworkOpts are what was asked for on one network.
type NetworkOpts struct {
	Aliases []string `json:"aliases,omitempty"` // --network-alias
	IP      string   `json:"ip,omitempty"`      // --ip
	IP6     string   `json:"ip6,omitempty"`     // --ip6
	MAC     string   `json:"mac,omitempty"`     // --mac-address
}

// IsZero reports whether nothing was asked for.
func (o NetworkOpts) IsZero() bool {
	return len(o.Aliases) == 0 && o.IP == "" && o.IP6 == "" && o.MAC == ""
}
