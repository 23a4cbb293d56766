package network

import (
	"reflect"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestParsePublish(t *testing.T) {
	cases := []struct {
		in   string
		want []PortMapping
	}{
		{"80", []PortMapping{{HostPort: 80, ContainerPort: 80, Protocol: "tcp"}}},
		{"8080:80", []PortMapping{{HostPort: 8080, ContainerPort: 80, Protocol: "tcp"}}},
		{"127.0.0.1:18080:80", []PortMapping{{HostIP: "127.0.0.1", HostPort: 18080, ContainerPort: 80, Protocol: "tcp"}}},
		{"127.0.0.1::80/udp", []PortMapping{{HostIP: "127.0.0.1", HostPort: 80, ContainerPort: 80, Protocol: "udp"}}},
		{"[::1]:8080:80", []PortMapping{{HostIP: "::1", HostPort: 8080, ContainerPort: 80, Protocol: "tcp"}}},
		{"8080-8081:80-81", []PortMapping{
			{HostPort: 8080, ContainerPort: 80, Protocol: "tcp"},
			{HostPort: 8081, ContainerPort: 81, Protocol: "tcp"}}},
		{"53-54/udp", []PortMapping{
			{HostPort: 53, ContainerPort: 53, Protocol: "udp"},
			{HostPort: 54, ContainerPort: 54, Protocol: "udp"}}},
	}
	for _, c := range cases {
		got, err := ParsePublish(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParsePublish(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

func TestParsePublishRejects(t *testing.T) {
	for _, in := range []string{"", "0", "65536", "80/sctp", "x:80", "1.2.3:80:80", "8080-8082:80-81",
		"81-80", "a:b:c:d", "[::1]80", "80:", ":80:"} {
		if got, err := ParsePublish(in); !errdefs.IsInvalidArgument(err) {
			t.Errorf("ParsePublish(%q) = %+v, %v; want an invalid-argument error", in, got, err)
		}
	}
}

func TestPortMappingString(t *testing.T) {
	for m, want := range map[PortMapping]string{
		{HostIP: "127.0.0.1", HostPort: 18080, ContainerPort: 80, Protocol: "tcp"}: "80/tcp -> 127.0.0.1:18080",
		{HostPort: 53, ContainerPort: 53, Protocol: "udp"}:                         "53/udp -> 0.0.0.0:53",
		{HostIP: "::1", HostPort: 8080, ContainerPort: 80, Protocol: "tcp"}:        "80/tcp -> [::1]:8080",
	} {
		if got := m.String(); got != want {
			t.Errorf("%+v.String() = %q, want %q", m, got, want)
		}
	}
}
