package network

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net"
	"os/exec"
	"slices"
	"strconv"
	"strings"

	"go.podman.io/common/libnetwork/types"

	"github.com/podunit/podunit/engine/errdefs"
)

// Static routes (`network create --route`) and no_default_route=: Podman 5
// hands both to netavark, but Debian's netavark 1.4 knows neither (its
// network struct has no routes, its options no no_default_route) and
// ignores them silently. podunit puts them in the container's namespace
// itself, right after netavark's setup, with one `ip -batch` run, and only
// for an owner on a network that has them.

// Route is one static route of a network, as Podman writes it.
type Route = types.Route

// ParseRoute reads --route DESTINATION,GATEWAY[,METRIC] (Podman 5's form).
func ParseRoute(s string) (Route, error) {
	bad := func(why string) (Route, error) {
		return Route{}, fmt.Errorf("--route %q: %s: %w", s, why, errdefs.ErrInvalidArgument)
	}
	parts := strings.Split(s, ",")
	if len(parts) < 2 || len(parts) > 3 {
		return bad("want DESTINATION,GATEWAY[,METRIC]")
	}
	dest, err := types.ParseCIDR(parts[0])
	if err != nil {
		return bad("the destination is no CIDR")
	}
	dest.IP = normal(dest.IP.Mask(dest.Mask)) // ip(8) wants the network's own address
	r := Route{Destination: dest, Gateway: normal(net.ParseIP(parts[1]))}
	if r.Gateway == nil {
		return bad("the gateway is no IP address")
	}
	if len(parts) == 3 {
		m, err := strconv.ParseUint(parts[2], 10, 32)
		if err != nil {
			return bad("the metric is no unsigned 32-bit number")
		}
		metric := uint32(m)
		r.Metric = &metric
	}
	return r, nil
}

// checkRoutes checks that each route's gateway is of its destination's
// family and in one of the network's subnets (else the container has no
// way to it; Podman leaves that to netavark, which fails at setup).
func checkRoutes(n *Network) error {
	for _, r := range n.Routes {
		if r.RouteType != "" && r.RouteType != types.RouteTypeUnicast {
			return invalid(n, "route to %s: type %q: netavark 1.4 sets unicast routes only", &r.Destination, r.RouteType)
		}
		if (r.Gateway.To4() == nil) != (r.Destination.IP.To4() == nil) {
			return invalid(n, "route to %s: gateway %s is of another IP family", &r.Destination, r.Gateway)
		}
		if !inSubnets(*n, r.Gateway) {
			return invalid(n, "route to %s: gateway %s is in none of the network's subnets", &r.Destination, r.Gateway)
		}
	}
	return nil
}

// noDefaultRoute reports whether -o no_default_route= is set on n.
func noDefaultRoute(n *Network) bool {
	v := n.Options[types.NoDefaultRoute]
	return v == "true" || v == "1"
}

// routeLines are the `ip -batch` lines that give a container on n, at
// interface ifname, n's routes and take away the default routes netavark
// 1.4 gave it when no_default_route is set.
func routeLines(n *Network, ifname string) []string {
	var lines []string
	for _, r := range n.Routes {
		l := fmt.Sprintf("route replace %s via %s dev %s", &r.Destination, r.Gateway, ifname)
		if r.Metric != nil {
			l += fmt.Sprintf(" metric %d", *r.Metric)
		}
		lines = append(lines, l)
	}
	if noDefaultRoute(n) && !n.Internal {
		for _, s := range n.Subnets {
			if s.Gateway != nil {
				lines = append(lines, fmt.Sprintf("route del default via %s dev %s", s.Gateway, ifname))
			}
		}
	}
	return lines
}

// setRoutes runs o's route lines, for every network of the owner, in netns.
func setRoutes(ctx context.Context, netns string, o *netavarkOpts) error {
	var lines []string
	for _, name := range slices.Sorted(maps.Keys(o.Networks)) {
		lines = append(lines, routeLines(o.NetworkInfo[name], o.Networks[name].InterfaceName)...)
	}
	if len(lines) == 0 || netns == "" {
		return nil
	}
	cmd := exec.CommandContext(ctx, "nsenter", "--net="+netns, "ip", "-batch", "-")
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("setting the networks' routes in %s: %w: %s", netns, err, strings.TrimSpace(out.String()))
	}
	return nil
}
