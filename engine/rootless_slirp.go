package engine

import (
	"context"
	"os"
	"path/filepath"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/network"
)

// slirpMode is --network slirp4netns, the alternative rootless network:
// as pasta (rootless_pasta.go), the engine makes and holds the namespace
// and starts slirp4netns on it, with the options --network
// slirp4netns:… gave (usernet_opts.go).
const slirpMode = "slirp4netns"

// userNetns is the network namespace of standalone container c on pasta
// or slirp4netns, served by a helper of its own.
func (e *Engine) userNetns(ctx context.Context, c *model.Container) (string, error) {
	if c.Config.Network == slirpMode {
		return e.slirpNetns(ctx, c.ID, c.Config.Ports, c.Config.ModeOptions)
	}
	return e.pastaNetns(ctx, c.ID, c.Config.Ports, c.Config.ModeOptions)
}

// slirpPidFile is where owner's slirp4netns is recorded.
func (e *Engine) slirpPidFile(owner string) string {
	return filepath.Join(e.runDir, "pasta", owner+".slirp.pid")
}

// slirpNetns is pastaNetns with slirp4netns.
func (e *Engine) slirpNetns(ctx context.Context, owner string, ports []model.PortMapping, own []string) (string, error) {
	pidFile := e.slirpPidFile(owner)
	opts, err := slirpOptions(own)
	if err != nil {
		return "", err
	}
	return e.helperNetns(pidFile, network.StopSlirp, func(ns *os.File) error {
		return network.Slirp{Netns: ns, PidFile: pidFile, Ports: netPorts(ports), Options: opts}.Start(ctx)
	})
}
