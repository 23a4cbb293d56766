package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/network"
	"github.com/podunit/podunit/internal/ctxsleep"
)

// Network is one network as the network verbs show it.
type Network = network.Network

// NetworkCreateOptions is what `network create` is asked for (Podman's flags).
type NetworkCreateOptions struct {
	Name           string   // "" picks podunitN
	Driver         string   // bridge (default), macvlan or ipvlan
	Subnets        []string // CIDRs; none picks the first free 10.89.N.0/24
	Gateways       []string // by position: the gateway of the subnet at the same place
	IPRanges       []string // by position: CIDR or FIRST-LAST, the addresses handed out
	IPv6           bool     // also an IPv6 subnet (fd00:89:N::/64 when none is given)
	Internal       bool     // no route out
	DisableDNS     bool     // no aardvark-dns on the network
	IPAMDriver     string   // host-local (default) or none
	InterfaceName  string   // the bridge's name, or macvlan/ipvlan's parent
	Labels         map[string]string
	Options        map[string]string // -o mtu=, vlan=, isolate=, mode=, metric=
	DNS            []string          // the network's upstream name servers for aardvark-dns
	IgnoreIfExists bool              // --ignore: an existing network of that name is no error
	Routes         []string          // --route DESTINATION,GATEWAY[,METRIC]
}

// networks is the network manager: Podman network files in the graph
// root, leases and netavark's files in the run root.
func (e *Engine) networks() *network.Manager {
	m := network.NewManager(filepath.Join(e.cfg.StorageRoot, "podunit", "networks"), filepath.Join(e.runDir, "netavark"))
	m.CNIRunDir = filepath.Join(e.runDir, "cni")
	return m
}

// NetworkCreate adds a network.
func (e *Engine) NetworkCreate(ctx context.Context, o NetworkCreateOptions) (Network, error) {
	unlock, err := e.locks.Lock(ctx, "networks")
	if err != nil {
		return Network{}, err
	}
	defer unlock()
	m := e.networks()
	if o.Name != "" {
		if err := names.Validate("network", o.Name); err != nil {
			return Network{}, err
		}
		if n, err := m.Get(o.Name); err == nil && n.Name == o.Name {
			if o.IgnoreIfExists {
				return n, nil
			}
			return n, fmt.Errorf("network %q: %w", o.Name, errdefs.ErrAlreadyExists)
		}
	}
	existing, err := m.List()
	if err != nil {
		return Network{}, err
	}
	n, err := newNetwork(o)
	if err != nil {
		return n, err
	}
	d, err := network.ReadDefaults(e.confFiles())
	if err != nil {
		return n, err
	}
	if err := network.Complete(&n, existing, d.SubnetPools...); err != nil {
		return n, err
	}
	if err := m.CheckDriver(n); err != nil {
		return n, err
	}
	return n, m.Add(n)
}

// newNetwork turns the flags into a network for network.Complete.
func newNetwork(o NetworkCreateOptions) (Network, error) {
	n := Network{Name: o.Name, ID: names.NewID(), Driver: o.Driver, NetworkInterface: o.InterfaceName,
		IPv6Enabled: o.IPv6, Internal: o.Internal, Labels: o.Labels, Options: o.Options,
		NetworkDNSServers: o.DNS, IPAMOptions: map[string]string{}}
	n.DNSEnabled = !o.DisableDNS && (o.Driver == "" || o.Driver == "bridge")
	if o.IPAMDriver != "" {
		n.IPAMOptions["driver"] = o.IPAMDriver
	}
	if len(o.Gateways) > len(o.Subnets) || len(o.IPRanges) > len(o.Subnets) {
		return n, fmt.Errorf("each --gateway and --ip-range needs a --subnet before it: %w", errdefs.ErrInvalidArgument)
	}
	for _, d := range o.DNS {
		if net.ParseIP(d) == nil {
			return n, fmt.Errorf("--dns %q is not an IP address: %w", d, errdefs.ErrInvalidArgument)
		}
	}
	for i, s := range o.Subnets {
		sub, err := network.ParseSubnet(s, at(o.Gateways, i), at(o.IPRanges, i))
		if err != nil {
			return n, err
		}
		n.Subnets = append(n.Subnets, sub)
	}
	for _, r := range o.Routes {
		route, err := network.ParseRoute(r)
		if err != nil {
			return n, err
		}
		n.Routes = append(n.Routes, route)
	}
	return n, nil
}

func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}

// NetworkDrivers are the network drivers network create takes here.
func (e *Engine) NetworkDrivers() []string { return e.networks().SupportedDrivers() }

// Network finds a network by name.
func (e *Engine) Network(ctx context.Context, name string) (Network, error) {
	return e.networks().Get(name)
}

// Networks lists every network by name.
func (e *Engine) Networks(ctx context.Context) ([]Network, error) {
	return e.networks().List()
}

// NetworkUsers are the containers and pods configured to use network name.
func (e *Engine) NetworkUsers(ctx context.Context, name string) ([]*model.Container, []*model.Pod, error) {
	all, err := e.store.Containers(ctx)
	if err != nil {
		return nil, nil, err
	}
	var cs []*model.Container
	for _, c := range all {
		if slices.Contains(networksOf(c.Config.Network, c.Config.NetConfig), name) {
			cs = append(cs, c)
		}
	}
	pods, err := e.store.Pods(ctx)
	if err != nil {
		return nil, nil, err
	}
	var ps []*model.Pod
	for _, p := range pods {
		if slices.Contains(networksOf(p.Config.Network, p.Config.NetConfig), name) {
			ps = append(ps, p)
		}
	}
	return cs, ps, nil
}

// NetworkContainer is one container or pod attached to a network, as
// `network inspect` shows it (Podman 5's "containers").
type NetworkContainer struct {
	Name       string                       `json:"name"`
	Interfaces map[string]network.Interface `json:"interfaces"`
}

// NetworkContainers are the containers and pods attached to network name, by ID.
func (e *Engine) NetworkContainers(ctx context.Context, name string) (map[string]NetworkContainer, error) {
	cs, ps, err := e.NetworkUsers(ctx, name)
	if err != nil {
		return nil, err
	}
	m, out := e.networks(), map[string]NetworkContainer{}
	add := func(id, owner string) {
		if st, ok := m.Status(id)[name]; ok {
			out[id] = NetworkContainer{Name: owner, Interfaces: st.Interfaces}
		}
	}
	for _, c := range cs {
		add(c.ID, c.Name)
	}
	for _, p := range ps {
		add(p.ID, p.Name)
	}
	return out, nil
}

// NetworkRemove removes a network. One in use needs force, which removes
// its containers and pods first (as Podman's network rm -f does); one
// started on it meanwhile, found by the removal itself, is removed in
// another round.
func (e *Engine) NetworkRemove(ctx context.Context, name string, force bool, timeout *uint) error {
	n, err := e.networks().Get(name)
	if err != nil {
		return err
	}
	for round := 1; ; round++ {
		err := e.removeNetworkOnce(ctx, n, force, timeout)
		if !force || !errdefs.IsConflict(err) || round == 10 {
			return err
		}
		if err := ctxsleep.Sleep(ctx, time.Duration(round)*20*time.Millisecond); err != nil {
			return err
		}
	}
}

// ownerExists tells a container or pod that exists (or may: a store
// that fails to answer says yes) from the stale owner of a lease.
func (e *Engine) ownerExists(ctx context.Context) func(id string) bool {
	return func(id string) bool {
		if _, err := e.store.Container(ctx, id); !errdefs.IsNotFound(err) {
			return true
		}
		_, err := e.store.Pod(ctx, id)
		return !errdefs.IsNotFound(err)
	}
}

// removeNetworkOnce is one round of NetworkRemove.
func (e *Engine) removeNetworkOnce(ctx context.Context, n Network, force bool, timeout *uint) error {
	name := n.Name
	cs, ps, err := e.NetworkUsers(ctx, name)
	if err != nil {
		return err
	}
	if !force && len(cs)+len(ps) > 0 {
		var users []string
		for _, c := range cs {
			users = append(users, c.Name)
		}
		for _, p := range ps {
			users = append(users, "pod "+p.Name)
		}
		return fmt.Errorf("network %q is used by %s: remove them first or use -f: %w", name, strings.Join(users, ", "), errdefs.ErrConflict)
	}
	var errs []error
	for _, p := range ps {
		if err := e.PodRemove(ctx, p.ID, true, timeout); err != nil && !errdefs.IsNotFound(err) {
			errs = append(errs, err)
		}
	}
	for _, c := range cs {
		if err := e.Remove(ctx, c.ID, RemoveOptions{Force: true, Timeout: timeout}); err != nil && !errdefs.IsNotFound(err) {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if err := e.networks().Remove(ctx, n, e.ownerExists(ctx)); err != nil {
		return err
	}
	return e.networks().RemoveSharedChains()
}

// NetworkPrune removes every network no container or pod uses, but the
// default one, that keep allows (nil: all); it returns their names.
func (e *Engine) NetworkPrune(ctx context.Context, keep PruneFilter) ([]string, error) {
	return e.pruneNetworks(ctx, keep)
}

// isNetwork reports whether a container's or pod's network mode is a network's name.
func isNetwork(mode string) bool {
	switch {
	case mode == "", mode == "none", mode == "host", mode == pastaMode, mode == slirpMode:
		return false
	case strings.HasPrefix(mode, "container:"), strings.HasPrefix(mode, "ns:"):
		return false
	}
	return true
}

// networkMode resolves --network: "" takes containers.conf's default;
// bridge (and private) is the default network, created on first use; a
// name must be an existing network's.
func (e *Engine) networkMode(ctx context.Context, flag string) (string, error) {
	d, err := network.ReadDefaults(e.confFiles())
	if err != nil {
		return "", err
	}
	mode := flag
	if mode == "" {
		mode = d.NetNS
	}
	if m, done, err := e.rootlessNetwork(mode); done {
		return m, err
	}
	switch {
	case mode == "none", mode == "host":
		return mode, nil
	case mode == "", mode == "bridge", mode == "private":
		return d.DefaultNetwork, e.ensureNetwork(ctx, d.DefaultNetwork)
	case mode == pastaMode: // as Podman 5's: root's containers may have pasta too (rootful_pasta.go)
		_, err := network.PastaBinary()
		return mode, err
	case mode == "slirp4netns" || strings.HasPrefix(mode, "slirp4netns:") || strings.HasPrefix(mode, "pasta:"):
		return "", fmt.Errorf("--network %s: podunit runs rootful bridges and pasta only: %w", mode, errdefs.ErrNotImplemented)
	case strings.HasPrefix(mode, "container:"):
		c, err := e.store.Container(ctx, strings.TrimPrefix(mode, "container:"))
		if err != nil {
			return "", fmt.Errorf("--network %s: %w", mode, err)
		}
		return "container:" + c.ID, nil
	case strings.HasPrefix(mode, "ns:"):
		if !filepath.IsAbs(strings.TrimPrefix(mode, "ns:")) {
			return "", fmt.Errorf("--network %s: want ns:/absolute/path: %w", mode, errdefs.ErrInvalidArgument)
		}
		return mode, nil
	}
	if _, err := e.networks().Get(mode); err != nil {
		return "", fmt.Errorf("--network %s: %w", mode, err)
	}
	return mode, nil
}

// ensureNetwork creates the default network on first use.
func (e *Engine) ensureNetwork(ctx context.Context, name string) error {
	m := e.networks()
	if _, err := m.Get(name); !errdefs.IsNotFound(err) {
		return err
	}
	if name != network.DefaultName {
		return fmt.Errorf("default network %q (containers.conf default_network): %w", name, errdefs.ErrNotFound)
	}
	n := network.DefaultNetwork(names.NewID())
	if err := m.Add(n); err != nil && !errdefs.IsAlreadyExists(err) {
		return err
	}
	return nil
}

// ParsePublish reads -p/--publish values into one mapping per port.
func ParsePublish(list []string) ([]model.PortMapping, error) {
	var out []model.PortMapping
	for _, s := range list {
		ms, err := network.ParsePublish(s)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			out = append(out, model.PortMapping(m))
		}
	}
	return out, nil
}

func netPorts(list []model.PortMapping) []network.PortMapping {
	var out []network.PortMapping
	for _, m := range list {
		out = append(out, network.PortMapping(m))
	}
	return out
}

// Ports are the published ports of a container: its own, or its pod's.
func (e *Engine) Ports(ctx context.Context, c *model.Container) ([]network.PortMapping, error) {
	if c.Config.Pod == "" {
		return netPorts(c.Config.Ports), nil
	}
	p, err := e.store.Pod(ctx, c.Config.Pod)
	if err != nil {
		return nil, err
	}
	return netPorts(p.Config.Ports), nil
}

// containerNetwork resolves --network and --publish into cfg. A pod
// member has its pod's network and ports.
func (e *Engine) containerNetwork(ctx context.Context, cfg *model.Config, o CreateOptions) error {
	if cfg.Pod != "" {
		if o.Network != "" || len(o.Publish) > 0 || len(cfg.Networks) > 0 || !o.FirstNetworkOpts.IsZero() {
			return fmt.Errorf("a pod member uses its pod's network: give --network, --publish, --ip and the like to pod create: %w", errdefs.ErrInvalidArgument)
		}
		return checkNames(cfg.NetConfig)
	}
	flag, modeOpts, err := modeOptions(o.Network)
	if err != nil {
		return err
	}
	mode, err := e.networkMode(ctx, flag)
	if err != nil {
		return err
	}
	ports, err := ParsePublish(o.Publish)
	if err != nil {
		return err
	}
	if len(ports) > 0 && !publishes(mode) {
		return fmt.Errorf("--publish needs a bridge network, not --network %s: %w", mode, errdefs.ErrInvalidArgument)
	}
	cfg.Network, cfg.Ports, cfg.ModeOptions = mode, ports, modeOpts
	return e.netOpts(mode, &cfg.NetConfig, o.FirstNetworkOpts)
}

// netOpts checks the networks joined beyond the first and records first,
// the options given for the first network (--ip, --network-alias …).
func (e *Engine) netOpts(mode string, nc *model.NetConfig, first model.NetworkOpts) error {
	if !isNetwork(mode) && (len(nc.Networks) > 0 || !first.IsZero()) {
		return fmt.Errorf("--network %s: more networks, --ip, --ip6, --mac-address and --network-alias need a network: %w", mode, errdefs.ErrInvalidArgument)
	}
	if !first.IsZero() {
		if nc.NetworkOpts == nil {
			nc.NetworkOpts = map[string]model.NetworkOpts{}
		}
		nc.NetworkOpts[mode] = first
	}
	seen := map[string]bool{mode: true}
	for _, n := range nc.Networks {
		if seen[n] {
			return fmt.Errorf("--network %s given twice: %w", n, errdefs.ErrInvalidArgument)
		}
		seen[n] = true
	}
	return e.checkNetOpts(*nc)
}

// podNetwork resolves a pod's --network and --publish: none, host or a
// network's name. With host the pod does not share a network namespace:
// its members have the host's.
func (e *Engine) podNetwork(ctx context.Context, cfg *model.PodConfig, flag string, publish []string, first model.NetworkOpts) error {
	flag, modeOpts, err := modeOptions(flag)
	if err != nil {
		return err
	}
	mode, err := e.networkMode(ctx, flag)
	if err != nil {
		return err
	}
	if strings.HasPrefix(mode, "container:") || strings.HasPrefix(mode, "ns:") {
		return fmt.Errorf("--network %s: a pod takes a network's name, bridge, none or host: %w", flag, errdefs.ErrInvalidArgument)
	}
	if err := e.rootfulPodPasta(mode); err != nil {
		return err
	}
	ports, err := ParsePublish(publish)
	if err != nil {
		return err
	}
	if len(ports) > 0 && (!publishes(mode) || !cfg.Shares(network.Net)) {
		return fmt.Errorf("--publish needs a bridge network shared by the pod: %w", errdefs.ErrInvalidArgument)
	}
	if mode == "host" {
		var share []string
		for _, k := range cfg.Share {
			if k != network.Net {
				share = append(share, k)
			}
		}
		cfg.Share = share
	}
	cfg.Network, cfg.Ports, cfg.ModeOptions = mode, ports, modeOpts
	return e.netOpts(mode, &cfg.NetConfig, first)
}
