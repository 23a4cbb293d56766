package engine

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// TestRootfulPasta: root's container may have --network pasta (with
// options), as Podman 5's; a root pod on pasta and root's slirp4netns are
// refused as not implemented.
func TestRootfulPasta(t *testing.T) {
	e := rootlessWithHelpers(t, "")
	e.cfg.Rootless = Rootless{}
	ctx := context.Background()
	var cfg model.Config
	if err := e.containerNetwork(ctx, &cfg, CreateOptions{Network: "pasta:-I,pu1", Publish: []string{"127.0.0.1:8082:80"}}); err != nil {
		t.Fatal(err)
	}
	if cfg.Network != "pasta" || !slices.Equal(cfg.ModeOptions, []string{"-I", "pu1"}) || len(cfg.Ports) != 1 {
		t.Errorf("root's pasta: network %q, options %q, ports %v", cfg.Network, cfg.ModeOptions, cfg.Ports)
	}
	pc := model.PodConfig{Share: []string{"net"}}
	if err := e.podNetwork(ctx, &pc, "pasta", nil, model.NetworkOpts{}); !errors.Is(err, errdefs.ErrNotImplemented) || pc.Network != "" {
		t.Errorf("a root pod on pasta: %v (network %q)", err, pc.Network)
	}
	if err := e.containerNetwork(ctx, &model.Config{}, CreateOptions{Network: "slirp4netns"}); !errors.Is(err, errdefs.ErrNotImplemented) {
		t.Errorf("root's slirp4netns: %v", err)
	}
}
