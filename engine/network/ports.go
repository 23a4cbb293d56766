package network

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
)

// PortMapping publishes one container port on the host, as the portmap
// plugin's portMappings capability takes it. HostIP "" means every address.
type PortMapping struct {
	HostIP        string `json:"hostIP,omitempty"`
	HostPort      uint16 `json:"hostPort"`
	ContainerPort uint16 `json:"containerPort"`
	Protocol      string `json:"protocol"` // tcp or udp
}

// String is the mapping as `podunit port` prints it: "80/tcp -> 127.0.0.1:8080".
func (m PortMapping) String() string {
	ip := m.HostIP
	if ip == "" {
		ip = "0.0.0.0"
	}
	return fmt.Sprintf("%d/%s -> %s", m.ContainerPort, m.Protocol, net.JoinHostPort(ip, strconv.Itoa(int(m.HostPort))))
}

// ParsePublish reads one -p/--publish value, [ip:][hostPort:]containerPort[/proto],
// where either port may be a range (8080-8081:80-81). A missing host port
// is the container port (podman picks a random one; podunit keeps it
// predictable). An IPv6 host address is written in brackets.
func ParsePublish(s string) ([]PortMapping, error) {
	bad := func(why string) error {
		return fmt.Errorf("--publish %q: %s: %w", s, why, errdefs.ErrInvalidArgument)
	}
	spec, proto, _ := strings.Cut(s, "/")
	switch proto {
	case "":
		proto = "tcp"
	case "tcp", "udp":
	default:
		return nil, bad("the protocol must be tcp or udp")
	}
	ip, hostPart, ctrPart, err := splitPublish(spec)
	if err != nil {
		return nil, bad(err.Error())
	}
	ctrLo, ctrHi, err := portRange(ctrPart)
	if err != nil {
		return nil, bad("container port: " + err.Error())
	}
	hostLo, hostHi := ctrLo, ctrHi
	if hostPart != "" {
		if hostLo, hostHi, err = portRange(hostPart); err != nil {
			return nil, bad("host port: " + err.Error())
		}
	}
	if hostHi-hostLo != ctrHi-ctrLo {
		return nil, bad("the host and container port ranges differ in length")
	}
	var out []PortMapping
	for i := 0; i <= int(ctrHi-ctrLo); i++ {
		out = append(out, PortMapping{HostIP: ip, HostPort: hostLo + uint16(i), ContainerPort: ctrLo + uint16(i), Protocol: proto})
	}
	return out, nil
}

// splitPublish splits [ip:][hostPort:]containerPort.
func splitPublish(spec string) (ip, host, ctr string, err error) {
	if strings.HasPrefix(spec, "[") {
		end := strings.Index(spec, "]")
		if end < 0 || len(spec) < end+2 || spec[end+1] != ':' {
			return "", "", "", fmt.Errorf("want [IPv6]:hostPort:containerPort")
		}
		ip, spec = spec[1:end], spec[end+2:]
		host, ctr, _ = strings.Cut(spec, ":")
		if net.ParseIP(ip) == nil || ctr == "" {
			return "", "", "", fmt.Errorf("want [IPv6]:hostPort:containerPort")
		}
		return ip, host, ctr, nil
	}
	parts := strings.Split(spec, ":")
	switch len(parts) {
	case 1:
		return "", "", parts[0], nil
	case 2:
		return "", parts[0], parts[1], nil
	case 3:
		if parts[0] != "" && net.ParseIP(parts[0]) == nil {
			return "", "", "", fmt.Errorf("%q is not an IP address", parts[0])
		}
		return parts[0], parts[1], parts[2], nil
	}
	return "", "", "", fmt.Errorf("want [ip:][hostPort:]containerPort[/tcp|udp]")
}

// portRange reads "80" or "80-81".
func portRange(s string) (uint16, uint16, error) {
	lo, hi, isRange := strings.Cut(s, "-")
	a, err := port(lo)
	if err != nil {
		return 0, 0, err
	}
	if !isRange {
		return a, a, nil
	}
	b, err := port(hi)
	if err != nil {
		return 0, 0, err
	}
	if b < a {
		return 0, 0, fmt.Errorf("range %q ends before it starts", s)
	}
	return a, b, nil
}

func port(s string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("%q is not a port number (1-65535)", s)
	}
	return uint16(n), nil
}
