package main

import (
	"fmt"
	"strings"

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
	stringArrayVar(fs, &f.networks, "network", "network of the "+what+": a network's name (again for more networks), bridge, none, host"+
		map[bool]string{true: ", container:NAME, ns:PATH", false: ""}[what == "container"]+" (default: containers.conf's, else bridge)")
	stringArrayVar(fs, &f.networks, "net", "alias of --network")
	_ = fs.MarkHidden("net")
	stringArrayVar(fs, &f.aliases, "network-alias", "another name of the "+what+" on its first network (aardvark-dns)")
	fs.StringVar(&f.ip, "ip", "", "the "+what+"'s IPv4 address on its first network")
	fs.StringVar(&f.ip6, "ip6", "", "the "+what+"'s IPv6 address on its first network")
	fs.StringVar(&f.mac, "mac-address", "", "the "+what+"'s MAC address on its first network")
	stringArrayVar(fs, &f.dns, "dns", "a name server for /etc/resolv.conf")
	stringArrayVar(fs, &f.dnsSearch, "dns-search", "a search domain for /etc/resolv.conf")
	stringArrayVar(fs, &f.dnsOption, "dns-option", "an option for /etc/resolv.conf")
	stringArrayVar(fs, &f.addHost, "add-host", "an /etc/hosts line: HOST[;HOST...]:IP")
	fs.BoolVar(&f.noHosts, "no-hosts", false, "do not make /etc/hosts: keep the image's")
}

// apply puts the flags into the engine's options: the first network's
// name, the options for it, and the rest.
func (f *netFlags) apply(network *string, first *model.NetworkOpts, nc *model.NetConfig) error {
	*first = model.NetworkOpts{Aliases: f.aliases, IP: f.ip, IP6: f.ip6, MAC: f.mac}
	for i, v := range f.networks {
		name, opts, err := parseNetworkArg(v)
		if err != nil {
			return err
		}
		if i == 0 {
			*network = name
			mergeNetworkOpts(first, opts)
			continue
		}
		nc.Networks = append(nc.Networks, name)
		if !opts.IsZero() {
			if nc.NetworkOpts == nil {
				nc.NetworkOpts = map[string]model.NetworkOpts{}
			}
			nc.NetworkOpts[name] = opts
		}
	}
	nc.DNS, nc.DNSSearch, nc.DNSOptions, nc.AddHost, nc.NoHosts = f.dns, f.dnsSearch, f.dnsOption, f.addHost, f.noHosts
	if f.noHosts && len(f.addHost) > 0 {
		return fmt.Errorf("--no-hosts and --add-host cannot be given together: %w", errdefs.ErrInvalidArgument)
	}
	return nil
}

// parseNetworkArg reads Podman's --network NAME[:OPT=VALUE,...] for a
// network's name, with alias=, ip=, ip6= and mac=. Modes (container:ID,
// ns:PATH, slirp4netns:…) pass through whole.
func parseNetworkArg(v string) (string, model.NetworkOpts, error) {
	var o model.NetworkOpts
	name, rest, ok := strings.Cut(v, ":")
	if !ok || !strings.Contains(rest, "=") || name == "container" || name == "ns" || name == "slirp4netns" || name == "pasta" {
		return v, o, nil
	}
	for _, kv := range strings.Split(rest, ",") {
		k, val, _ := strings.Cut(kv, "=")
		switch k {
		case "alias":
			o.Aliases = append(o.Aliases, val)
		case "ip":
			o.IP = val
		case "ip6":
			o.IP6 = val
		case "mac":
			o.MAC = val
		default:
			return "", o, fmt.Errorf("--network %q: unknown option %q (want alias=, ip=, ip6=, mac=): %w", v, k, errdefs.ErrInvalidArgument)
		}
	}
	return name, o, nil
}

// mergeNetworkOpts adds what --network NAME:… gave to what the flags gave.
func mergeNetworkOpts(dst *model.NetworkOpts, src model.NetworkOpts) {
	dst.Aliases = append(dst.Aliases, src.Aliases...)
	for _, f := range []struct{ d, s *string }{{&dst.IP, &src.IP}, {&dst.IP6, &src.IP6}, {&dst.MAC, &src.MAC}} {
		if *f.s != "" {
			*f.d = *f.s
		}
	}
}
