package network

import (
	"os"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestParseVersion(t *testing.T) {
	for in, want := range map[string][3]int{"netavark 1.4.0\n": {1, 4, 1}, "netavark 1.15.2": {1, 15, 1}, "netavark": {0, 0, 0}, "x y.z": {0, 0, 0}} {
		major, minor, ok := parseVersion(in)
		if major != want[0] || minor != want[1] || ok != (want[2] == 1) {
			t.Errorf("parseVersion(%q) = %d %d %v", in, major, minor, ok)
		}
	}
}

func TestCheckDriver(t *testing.T) {
	dir := t.TempDir()
	fake := func(version string) *Manager {
		bin := dir + "/netavark"
		if err := os.WriteFile(bin, []byte("#!/bin/sh\necho '"+version+"'\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		m := NewManager(t.TempDir(), t.TempDir())
		m.Netavark = bin
		return m
	}
	iv := Network{Name: "iv", Driver: "ipvlan"}
	if err := fake("netavark 1.4.0").CheckDriver(iv); !errdefs.IsNotImplemented(err) || !strings.Contains(err.Error(), "1.5") {
		t.Errorf("ipvlan on netavark 1.4.0: %v", err)
	}
	for _, v := range []string{"netavark 1.5.0", "netavark 2.0.1", "something else"} {
		if err := fake(v).CheckDriver(iv); err != nil {
			t.Errorf("ipvlan on %q: %v", v, err)
		}
	}
	if err := fake("netavark 1.4.0").CheckDriver(Network{Name: "mv", Driver: "macvlan"}); err != nil {
		t.Errorf("macvlan on netavark 1.4.0: %v", err)
	}
	// info's plugin list and create agree
	if got := strings.Join(fake("netavark 1.4.0").SupportedDrivers(), " "); got != "bridge macvlan" {
		t.Errorf("SupportedDrivers on netavark 1.4.0: %q", got)
	}
	if got := strings.Join(fake("netavark 1.5.0").SupportedDrivers(), " "); got != "bridge macvlan ipvlan" {
		t.Errorf("SupportedDrivers on netavark 1.5.0: %q", got)
	}
}
