package export

import (
	"net"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/model"
)

// netFlags rebuilds --network (with each network's options), -p and the
// name-resolution flags from a container's record. A pod member has its
// pod's network: it gets only its own name settings.
func netFlags(cfg *model.Config) []string {
	var args []string
	if cfg.Network != "" {
		for _, n := range append([]string{cfg.Network}, cfg.Networks...) {
			args = append(args, "--network", networkArg(n, cfg.NetworkOpts[n]))
		}
	}
	for _, p := range cfg.Ports {
		args = append(args, "-p", publishArg(p))
	}
	each := func(flag string, vals []string) {
		for _, v := range vals {
			args = append(args, flag, v)
		}
	}
	each("--dns", cfg.DNS)
	each("--dns-search", cfg.DNSSearch)
	each("--dns-option", cfg.DNSOptions)
	each("--add-host", cfg.AddHost)
	if cfg.NoHosts {
		args = append(args, "--no-hosts")
	}
	return args
}

// networkArg is Podman's --network NAME[:alias=A,ip=IP,ip6=IP6,mac=MAC].
// Modes (none, host, container:ID, ns:PATH) carry no options.
func networkArg(name string, o model.NetworkOpts) string {
	var opts []string
	for _, a := range o.Aliases {
		opts = append(opts, "alias="+a)
	}
	for _, kv := range [][2]string{{"ip", o.IP}, {"ip6", o.IP6}, {"mac", o.MAC}} {
		if kv[1] != "" {
			opts = append(opts, kv[0]+"="+kv[1])
		}
	}
	if len(opts) == 0 {
		return name
	}
	return name + ":" + strings.Join(opts, ",")
}

// publishArg is one published port as -p [ip:]hostPort:containerPort/proto,
// an IPv6 address in brackets.
func publishArg(p model.PortMapping) string {
	s := strconv.Itoa(int(p.HostPort)) + ":" + strconv.Itoa(int(p.ContainerPort)) + "/" + p.Protocol
	switch ip := net.ParseIP(p.HostIP); {
	case p.HostIP == "":
		return s
	case ip != nil && ip.To4() == nil:
		return "[" + p.HostIP + "]:" + s
	}
	return p.HostIP + ":" + s
}
