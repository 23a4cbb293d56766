package engine

import (
	"context"
	"strings"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/network"
)

// modeOptions splits --network pasta:OPTIONS and slirp4netns:OPTIONS into
// the mode and its options, checked as Podman reads them (pasta's own
// options, comma-separated; slirp4netns's KEY=VALUE list). Any other
// value is the mode, with no options.
func modeOptions(flag string) (mode string, opts []string, err error) {
	name, list, ok := strings.Cut(flag, ":")
	switch {
	case !ok:
		return flag, nil, nil
	case name == pastaMode:
		opts, err = network.ParsePastaOptions(list)
	case name == slirpMode:
		_, err = network.ParseSlirpOptions(list)
		opts = strings.Split(list, ",")
	default:
		return flag, nil, nil
	}
	return name, opts, err
}

// pastaOptions are the options of a pasta serving a namespace whose
// owner asked for own: containers.conf's pasta_options, then own.
func (e *Engine) pastaOptions(own []string) ([]string, error) {
	d, err := network.ReadDefaults(e.confFiles())
	if err != nil {
		return nil, err
	}
	return append(append([]string{}, d.PastaOptions...), own...), nil
}

// slirpOptions are the slirp4netns options own (checked at create).
func slirpOptions(own []string) (network.SlirpOptions, error) {
	if len(own) == 0 {
		return network.SlirpOptions{}, nil
	}
	return network.ParseSlirpOptions(strings.Join(own, ","))
}

// helperDNS are the name servers a container on pasta or slirp4netns
// (mode, with options opts) is given before the host's, as Podman gives
// them: pasta's DNS forwarder, or slirp4netns's. Without them, a host
// whose resolv.conf names only a resolver on its loopback (127.0.0.53)
// would leave the container none it can reach.
func (e *Engine) helperDNS(mode string, opts []string) []string {
	switch mode {
	case pastaMode:
		all, err := e.pastaOptions(opts)
		if err != nil {
			all = opts
		}
		return network.Pasta{Options: all}.DNSForward()
	case slirpMode:
		o, err := slirpOptions(opts)
		if err != nil {
			return nil
		}
		return []string{o.DNS()}
	}
	return nil
}

// helperMode is the mode and options of the network namespace c runs in:
// its own, or its pod's when it shares the pod's.
func (e *Engine) helperMode(ctx context.Context, c *model.Container) (string, []string) {
	if c.Config.Pod == "" {
		return c.Config.Network, c.Config.ModeOptions
	}
	p, err := e.podOf(ctx, c)
	if err != nil || !p.Config.Shares(network.Net) {
		return "", nil
	}
	return p.Config.Network, p.Config.ModeOptions
}
