package engine

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// rootlessWithHelpers is a rootless engine with pasta and slirp4netns on
// PATH (stubs) and containers.conf conf.
func rootlessWithHelpers(t *testing.T, conf string) *Engine {
	bin := t.TempDir()
	for _, name := range []string{"pasta", "slirp4netns"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)
	f := filepath.Join(t.TempDir(), "containers.conf")
	if err := os.WriteFile(f, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CONTAINERS_CONF", f)
	return &Engine{cfg: Config{Rootless: Rootless{On: true, UID: 1001, GID: 1001}}}
}

// TestNetworkModeOptions: --network pasta:… and slirp4netns:… keep the mode
// and record its options, for a container and a pod; bad ones are refused
// at create, naming the option, with nothing recorded.
func TestNetworkModeOptions(t *testing.T) {
	e := rootlessWithHelpers(t, "")
	ctx := context.Background()
	var cfg model.Config
	if err := e.containerNetwork(ctx, &cfg, CreateOptions{Network: "pasta:-T,8080,--ipv4-only", Publish: []string{"127.0.0.1:8081:80"}}); err != nil {
		t.Fatal(err)
	}
	if cfg.Network != "pasta" || !slices.Equal(cfg.ModeOptions, []string{"-T", "8080", "--ipv4-only"}) || len(cfg.Ports) != 1 {
		t.Errorf("pasta:…: network %q, options %q, ports %v", cfg.Network, cfg.ModeOptions, cfg.Ports)
	}
	pc := model.PodConfig{Share: []string{"net"}}
	if err := e.podNetwork(ctx, &pc, "slirp4netns:cidr=10.0.3.0/24,mtu=1500", nil, model.NetworkOpts{}); err != nil {
		t.Fatal(err)
	}
	if pc.Network != "slirp4netns" || !slices.Equal(pc.ModeOptions, []string{"cidr=10.0.3.0/24", "mtu=1500"}) {
		t.Errorf("pod slirp4netns:…: network %q, options %q", pc.Network, pc.ModeOptions)
	}
	for flag, want := range map[string]string{"pasta:--pid,/tmp/x": "--pid", "slirp4netns:bogus=1": `"bogus"`, "pasta:": `""`} {
		var cfg model.Config
		err := e.containerNetwork(ctx, &cfg, CreateOptions{Network: flag})
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), want) || cfg.Network != "" {
			t.Errorf("%s: %v (network %q); want an invalid argument naming %s", flag, err, cfg.Network, want)
		}
	}
}

// TestHelperDNS: a container on pasta is given pasta's DNS forwarder
// first (its own --dns-forward if given, containers.conf's pasta_options
// included), on slirp4netns slirp4netns's in its network; on none, none.
func TestHelperDNS(t *testing.T) {
	e := rootlessWithHelpers(t, "")
	for _, c := range []struct {
		mode string
		opts []string
		want string
	}{
		{"pasta", nil, "169.254.1.1"}, {"pasta", []string{"--dns-forward", "10.1.1.1"}, "10.1.1.1"},
		{"slirp4netns", nil, "10.0.2.3"}, {"slirp4netns", []string{"cidr=10.0.3.0/24"}, "10.0.3.3"}, {"none", nil, ""},
	} {
		if got := strings.Join(e.helperDNS(c.mode, c.opts), " "); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.mode, c.opts, got, c.want)
		}
	}
	e = rootlessWithHelpers(t, "[network]\npasta_options = [\"--dns-forward\", \"10.2.2.2\"]\n")
	if got := strings.Join(e.helperDNS("pasta", nil), " "); got != "10.2.2.2" {
		t.Errorf("with containers.conf's pasta_options: %q", got)
	}
	if opts, err := e.pastaOptions([]string{"-4"}); err != nil || strings.Join(opts, " ") != "--dns-forward 10.2.2.2 -4" {
		t.Errorf("containers.conf's options, then the container's: %q %v", opts, err)
	}
	e = rootlessWithHelpers(t, "[network]\npasta_options = [\"--pid\", \"/x\"]\n")
	if _, err := e.pastaOptions(nil); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "pasta_options") {
		t.Errorf("a bad pasta_options: %v", err)
	}
}
