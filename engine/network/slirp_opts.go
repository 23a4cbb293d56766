package network

import (
	"cmp"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
)

// SlirpOptions are what --network slirp4netns:KEY=VALUE,… asks for, as
// Podman reads them.
type SlirpOptions struct {
	AllowHostLoopback bool   // allow_host_loopback=true: the gateway (10.0.2.2) reaches the host's 127.0.0.1
	CIDR              string // cidr=: the namespace's network instead of 10.0.2.0/24
	EnableIPv6        bool   // enable_ipv6=true
	MTU               int    // mtu=: 0 is Podman's 65520
	OutboundAddr      string // outbound_addr=: an IPv4 address or an interface's name to send from
	OutboundAddr6     string // outbound_addr6=: the same for IPv6
	// PortHandler is rootlesskit (Podman's default) or slirp4netns. podunit
	// has no rootlesskit: it publishes ports through slirp4netns's API
	// with either, so a published port's connections come from the
	// network's gateway, as with Podman's slirp4netns handler.
	PortHandler string
}

// slirpDefaultCIDR is slirp4netns's network when no cidr= is given.
const slirpDefaultCIDR = "10.0.2.0/24"

// ParseSlirpOptions reads the comma-separated KEY=VALUE list of
// --network slirp4netns:LIST; an unknown key or a bad value is an
// invalid argument naming it.
func ParseSlirpOptions(list string) (SlirpOptions, error) {
	var o SlirpOptions
	for _, kv := range strings.Split(list, ",") {
		if err := o.set(kv); err != nil {
			return o, fmt.Errorf("--network slirp4netns:%s: %w: %w", list, err, errdefs.ErrInvalidArgument)
		}
	}
	return o, nil
}

// set takes one KEY=VALUE.
func (o *SlirpOptions) set(kv string) error {
	k, v, ok := strings.Cut(kv, "=")
	if !ok {
		return fmt.Errorf("option %q: want KEY=VALUE", kv)
	}
	var err error
	switch k {
	case "allow_host_loopback":
		o.AllowHostLoopback, err = slirpBool(k, v)
	case "enable_ipv6":
		o.EnableIPv6, err = slirpBool(k, v)
	case "cidr":
		o.CIDR, err = v, checkSlirpCIDR(v)
	case "mtu":
		o.MTU, err = strconv.Atoi(v)
		if err != nil || o.MTU < 68 {
			err = fmt.Errorf("mtu=%s: want a number of bytes, at least 68", v)
		}
	case "outbound_addr", "outbound_addr6":
		if v == "" || strings.ContainsAny(v, "/ ") {
			return fmt.Errorf("%s=%s: want an address or an interface's name", k, v)
		}
		if k == "outbound_addr" {
			o.OutboundAddr = v
		} else {
			o.OutboundAddr6 = v
		}
	case "port_handler":
		if v != "rootlesskit" && v != "slirp4netns" {
			return fmt.Errorf("port_handler=%s: want rootlesskit or slirp4netns", v)
		}
		o.PortHandler = v
	default:
		return fmt.Errorf("unknown option %q (want allow_host_loopback=, cidr=, enable_ipv6=, mtu=, "+
			"outbound_addr=, outbound_addr6=, port_handler=)", k)
	}
	return err
}

func slirpBool(k, v string) (bool, error) {
	switch v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%s=%s: want true or false", k, v)
}

// checkSlirpCIDR: an IPv4 network big enough for slirp4netns's addresses
// in it (the guest's is its 100th).
func checkSlirpCIDR(v string) error {
	ip, n, err := net.ParseCIDR(v)
	if err == nil && ip.To4() != nil {
		if ones, _ := n.Mask.Size(); ones <= 25 {
			return nil
		}
	}
	return fmt.Errorf("cidr=%s: want an IPv4 network of /25 or bigger", v)
}

// slirpHost is the n-th address of the options' network: the gateway
// (2), the DNS forwarder (3), the guest (100).
func (o SlirpOptions) slirpHost(n byte) string {
	_, ipnet, err := net.ParseCIDR(cmp.Or(o.CIDR, slirpDefaultCIDR))
	if err != nil {
		_, ipnet, _ = net.ParseCIDR(slirpDefaultCIDR)
	}
	ip := ipnet.IP.To4()
	out := net.IPv4(ip[0], ip[1], ip[2], ip[3]+n)
	return out.String()
}

// Guest is the container's address on tap0.
func (o SlirpOptions) Guest() string { return o.slirpHost(100) }

// DNS is slirp4netns's DNS forwarder in the namespace.
func (o SlirpOptions) DNS() string { return o.slirpHost(3) }

// args are the options' slirp4netns flags; an outbound interface's name
// becomes its first address of the family.
func (o SlirpOptions) args() ([]string, error) {
	mtu := 65520
	if o.MTU != 0 {
		mtu = o.MTU
	}
	args := []string{"--configure", "--mtu=" + strconv.Itoa(mtu)}
	if !o.AllowHostLoopback {
		args = append(args, "--disable-host-loopback")
	}
	if o.CIDR != "" {
		args = append(args, "--cidr="+o.CIDR)
	}
	if o.EnableIPv6 {
		args = append(args, "--enable-ipv6")
	}
	for _, f := range []struct {
		flag, v string
		v4      bool
	}{{"--outbound-addr=", o.OutboundAddr, true}, {"--outbound-addr6=", o.OutboundAddr6, false}} {
		if f.v == "" {
			continue
		}
		addr, err := outboundAddr(f.v, f.v4)
		if err != nil {
			return nil, err
		}
		args = append(args, f.flag+addr)
	}
	return args, nil
}

// outboundAddr is v, an address, or the first address of the family of
// the interface v names.
func outboundAddr(v string, v4 bool) (string, error) {
	if ip := net.ParseIP(v); ip != nil {
		if (ip.To4() != nil) != v4 {
			return "", fmt.Errorf("slirp4netns outbound address %s is of the other IP family: %w", v, errdefs.ErrInvalidArgument)
		}
		return v, nil
	}
	iface, err := net.InterfaceByName(v)
	if err != nil {
		return "", fmt.Errorf("slirp4netns outbound interface %q: %w: %w", v, err, errdefs.ErrNotFound)
	}
	addrs, _ := iface.Addrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && (n.IP.To4() != nil) == v4 && n.IP.IsGlobalUnicast() {
			return n.IP.String(), nil
		}
	}
	return "", fmt.Errorf("slirp4netns outbound interface %q has no address of the family: %w", v, errdefs.ErrNotFound)
}
