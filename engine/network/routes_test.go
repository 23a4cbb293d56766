package network

import (
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func route(t *testing.T, s string) Route {
	t.Helper()
	r, err := ParseRoute(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestParseRoute(t *testing.T) {
	r := route(t, "10.1.0.9/24,192.168.33.10,5")
	if r.Destination.String() != "10.1.0.0/24" || r.Gateway.String() != "192.168.33.10" || r.Metric == nil || *r.Metric != 5 {
		t.Fatalf("ParseRoute: %+v", r)
	}
	if r := route(t, "fd99::/64,fd66::1"); r.Metric != nil || r.Gateway.String() != "fd66::1" {
		t.Fatalf("without a metric: %+v", r)
	}
	for _, bad := range []string{"", "10.1.0.0/24", "10.1.0.0,10.0.0.1", "10.1.0.0/24,gw", "10.1.0.0/24,10.0.0.1,-1",
		"10.1.0.0/24,10.0.0.1,4294967296", "10.1.0.0/24,10.0.0.1,1,2"} {
		if _, err := ParseRoute(bad); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "--route") {
			t.Errorf("ParseRoute(%q): %v, want an invalid --route", bad, err)
		}
	}
}

func TestCheckRoutes(t *testing.T) {
	for _, c := range []struct{ route, want string }{
		{"10.1.0.0/24,10.99.0.1", "in none of the network's subnets"},
		{"10.1.0.0/24,fd66::1", "another IP family"},
		{"fd99::/64,10.66.0.1", "another IP family"},
	} {
		n := Network{Name: "x", Subnets: []Subnet{subnet(t, "10.66.0.0/24", "", ""), subnet(t, "fd66::/64", "", "")},
			Routes: []Route{route(t, c.route)}}
		if err := Complete(&n, nil); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("route %s: %v, want %q", c.route, err, c.want)
		}
	}
}

func TestRouteLines(t *testing.T) {
	n := Network{Name: "r", Options: map[string]string{"no_default_route": "true"},
		Subnets: []Subnet{subnet(t, "10.66.0.0/24", "", ""), subnet(t, "fd66::/64", "", "")},
		Routes:  []Route{route(t, "10.1.0.0/24,10.66.0.10,5"), route(t, "fd99::/64,fd66::10")}}
	if err := Complete(&n, nil); err != nil {
		t.Fatal(err)
	}
	want := "route replace 10.1.0.0/24 via 10.66.0.10 dev eth1 metric 5\n" +
		"route replace fd99::/64 via fd66::10 dev eth1\n" +
		"route del default via 10.66.0.1 dev eth1\n" +
		"route del default via fd66::1 dev eth1"
	if got := strings.Join(routeLines(&n, "eth1"), "\n"); got != want {
		t.Errorf("routeLines:\n got %s\nwant %s", got, want)
	}
	n.Internal = true // no default route to take away
	if got := routeLines(&n, "eth0"); len(got) != 2 {
		t.Errorf("internal: %q", got)
	}
	plain := Network{Name: "p", Subnets: n.Subnets}
	if got := routeLines(&plain, "eth0"); len(got) != 0 {
		t.Errorf("a network without routes: %q", got)
	}
}
