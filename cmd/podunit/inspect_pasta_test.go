package main

import "testing"

// TestNetworkModePasta: inspect shows rootless pasta networking as Podman
// does (HostConfig.NetworkMode "pasta"), not as a bridge network's name.
func TestNetworkModePasta(t *testing.T) {
	for in, want := range map[string]string{"pasta": "pasta", "none": "none", "web": "bridge"} {
		if got := networkMode(in); got != want {
			t.Errorf("networkMode(%q) = %q, want %q", in, got, want)
		}
	}
}
