package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/network"
)

// nameConfig is c's name resolution settings: its own, each one it left
// empty taken from its pod's.
func (e *Engine) nameConfig(ctx context.Context, c *model.Container) model.NetConfig {
	nc := c.Config.NetConfig
	if c.Config.Pod == "" {
		return nc
	}
	p, err := e.podOf(ctx, c)
	if err != nil {
		return nc
	}
	pc := p.Config.NetConfig
	for _, f := range []struct{ own, pod *[]string }{
		{&nc.DNS, &pc.DNS}, {&nc.DNSSearch, &pc.DNSSearch}, {&nc.DNSOptions, &pc.DNSOptions}, {&nc.AddHost, &pc.AddHost},
	} {
		if len(*f.own) == 0 {
			*f.own = *f.pod
		}
	}
	nc.NoHosts = nc.NoHosts || pc.NoHosts
	return nc
}

// resolvFor is c's /etc/resolv.conf: the host's, with aardvark-dns first
// when c (or its pod) is on a network with DNS, and --dns, --dns-search,
// --dns-option applied.
func (e *Engine) resolvFor(ctx context.Context, c *model.Container) ([]byte, error) {
	host, err := os.ReadFile("/etc/resolv.conf")
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	nc := e.nameConfig(ctx, c)
	if c.Config.Network == "host" && len(nc.DNS)+len(nc.DNSSearch)+len(nc.DNSOptions) == 0 {
		return host, nil
	}
	p := network.ResolvParams{Servers: nc.DNS, Search: nc.DNSSearch, Options: nc.DNSOptions}
	if len(nc.DNS) == 0 {
		p.NetworkServers = e.helperDNS(e.helperMode(ctx, c))
	}
	owner := c.ID
	if c.Config.Pod != "" {
		owner = c.Config.Pod
	}
	seen := map[string]bool{}
	for _, st := range e.networks().Status(owner) {
		for _, ip := range st.DNSServerIPs {
			if s := ip.String(); !seen[s] {
				seen[s], p.NetworkServers = true, append(p.NetworkServers, s)
			}
		}
		for _, d := range st.DNSSearchDomains {
			if !seen[d] {
				seen[d], p.NetworkSearch = true, append(p.NetworkSearch, d)
			}
		}
	}
	return network.BuildResolvConf(host, p), nil
}

// addHosts reads --add-host values, HOST[;HOST...]:IP, into hosts entries.
func addHosts(list []string) ([]network.HostEntry, error) {
	var out []network.HostEntry
	for _, v := range list {
		hosts, ip, ok := strings.Cut(v, ":")
		ip = strings.TrimSuffix(strings.TrimPrefix(ip, "["), "]")
		if !ok || hosts == "" || net.ParseIP(ip) == nil {
			return nil, fmt.Errorf("--add-host %q: want HOST[;HOST...]:IP: %w", v, errdefs.ErrInvalidArgument)
		}
		out = append(out, network.HostEntry{IP: ip, Names: strings.Split(hosts, ";")})
	}
	return out, nil
}
