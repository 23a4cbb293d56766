package export

import (
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/model"
)

// netFlags rebuilds a container's network flags from its record (a pod
// member has its pod's network: it gets only its own name settings).
func netFlags(cfg *model.Config) []string { return netArgs(cfg.Network, cfg.NetConfig, cfg.Ports) }

// netArgs rebuilds the network flags of a pod (or container): --network
// with the first network's --ip, --ip6, --mac-address and --network-alias,
// each further network as NAME:ip=…,alias=…, -p, and the name-resolution
// flags, as `pod create` and `run` read them back.
func netArgs(mode string, nc model.NetConfig, ports []model.PortMapping) []string {
	var args []string
	if mode != "" {
		args = append(args, "--network", withModeOptions(mode, nc.ModeOptions))
		first := nc.NetworkOpts[mode]
		for _, f := range [][2]string{{"--ip", first.IP}, {"--ip6", first.IP6}, {"--mac-address", first.MAC}} {
			if f[1] != "" {
				args = append(args, f[0], f[1])
			}
		}
		for _, a := range first.Aliases {
			args = append(args, "--network-alias", a)
		}
	}
	for _, n := range nc.Networks {
		args = append(args, "--network", n+networkSuffix(nc.NetworkOpts[n]))
	}
	for _, p := range ports {
		args = append(args, "-p", publishArg(p))
	}
	for _, f := range []struct {
		flag string
		vals []string
	}{{"--dns", nc.DNS}, {"--dns-search", nc.DNSSearch}, {"--dns-option", nc.DNSOptions}, {"--add-host", nc.AddHost}} {
		for _, v := range f.vals {
			args = append(args, f.flag, v)
		}
	}
	if nc.NoHosts {
		args = append(args, "--no-hosts")
	}
	return args
}

// networkSuffix is ":ip=…,ip6=…,mac=…,alias=…" for a further network's
// options, "" for none.
func networkSuffix(o model.NetworkOpts) string {
	var kv []string
	for _, f := range [][2]string{{"ip", o.IP}, {"ip6", o.IP6}, {"mac", o.MAC}} {
		if f[1] != "" {
			kv = append(kv, f[0]+"="+f[1])
		}
	}
	for _, a := range o.Aliases {
		kv = append(kv, "alias="+a)
	}
	if len(kv) == 0 {
		return ""
	}
	return ":" + strings.Join(kv, ",")
}

// publishArg is a published port as -p takes it: [IP:]HOSTPORT:PORT/PROTO
// (an IPv6 address in brackets).
func publishArg(p model.PortMapping) string {
	s := strconv.Itoa(int(p.HostPort)) + ":" + strconv.Itoa(int(p.ContainerPort)) + "/" + p.Protocol
	if p.HostIP != "" {
		ip := p.HostIP
		if strings.Contains(ip, ":") {
			ip = "[" + ip + "]"
		}
		s = ip + ":" + s
	}
	return s
}

// withModeOptions is --network pasta:A,B or slirp4netns:K=V,… back from
// the mode and its options.
func withModeOptions(mode string, opts []string) string {
	if len(opts) == 0 {
		return mode
	}
	return mode + ":" + strings.Join(opts, ",")
}
