package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// netFlags are the network and name-resolution flags of create, run and
// pod create (Podman's).
type netFlags struct {
	networks                           []string
	aliases                            []string
	ip, ip6, mac                       string
	dns, dnsSearch, dnsOption, addHost []string
	noHosts                            bool
}

func (f *netFlags) register(fs *pflag.FlagSet, what string) {
	fs.StringArrayVar(&f.networks, "network", nil, "network of the "+what+": a network's name (again for more networks), bridge, none, host"+
		map[bool]string{true: ", container:NAME, ns:PATH", false: ""}[what == "container"]+" (default: containers.conf's, else bridge)")
	fs.StringArrayVar(&f.networks, "net", nil, "alias of --network")
	_ = fs.MarkHidden("net")
	fs.StringArrayVar(&f.aliases, "network-alias", nil, "another name of the "+what+" on its first network (aardvark-dns)")
	fs.StringVar(&f.ip, "ip", "", "the "+what+"'s IPv4 address on its first network")
	fs.StringVar(&f.ip6, "ip6", "", "the "+what+"'s IPv6 address on its first network")
	fs.StringVar(&f.mac, "mac-address", "", "the "+what+"'s MAC address on its first network")
	fs.StringArrayVar(&f.dns, "dns", nil, "a name server for /etc/resolv.conf")
	fs.StringArrayVar(&f.dnsSearch, "dns-search", nil, "a search domain for /etc/resolv.conf")
	fs.StringArrayVar(&f.dnsOption, "dns-option", nil, "an option for /etc/resolv.conf")
	fs.StringArrayVar(&f.addHost, "add-host", nil, "an /etc/hosts line: HOST[;HOST...]:IP")
	fs.BoolVar(&f.noHosts, "no-hosts", false, "do not make /etc/hosts: keep the image's")
}

// apply puts the flags into the engine's options: the first network's
// name, the options for it, and the rest.
func (f *netFlags) apply(network *string, first *model.NetworkOpts, nc *model.NetConfig) error {
	if len(f.networks) > 0 {
		*network, nc.Networks = f.networks[0], append([]string(nil), f.networks[1:]...)
	}
	*first = model.NetworkOpts{Aliases: f.aliases, IP: f.ip, IP6: f.ip6, MAC: f.mac}
	nc.DNS, nc.DNSSearch, nc.DNSOptions, nc.AddHost, nc.NoHosts = f.dns, f.dnsSearch, f.dnsOption, f.addHost, f.noHosts
	if f.noHosts && len(f.addHost) > 0 {
		return fmt.Errorf("--no-hosts and --add-host cannot be given together: %w", errdefs.ErrInvalidArgument)
	}
	return nil
}
