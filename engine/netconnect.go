package engine

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/network"
)

// NetworkConnect puts container ref on network name as well, with opts. A
// running container gets the new interface at once (one netavark setup
// for that network alone, on its pinned namespace); one that is not
// running gets it at its next start.
func (e *Engine) NetworkConnect(ctx context.Context, name, ref string, opts model.NetworkOpts) error {
	c, unlock, err := e.netContainer(ctx, ref)
	if err != nil {
		return err
	}
	defer unlock()
	n, err := e.networks().Get(name)
	if err != nil {
		return err
	}
	if err := checkNetworkOpts(n.Name, opts); err != nil {
		return err
	}
	if slices.Contains(networksOf(c.Config.Network, c.Config.NetConfig), n.Name) {
		return fmt.Errorf("container %q is already on network %q: %w", c.Name, n.Name, errdefs.ErrAlreadyExists)
	}
	if !isNetwork(c.Config.Network) && c.Config.Network != "none" {
		return fmt.Errorf("container %q has --network %s: it cannot join a network: %w", c.Name, c.Config.Network, errdefs.ErrInvalidArgument)
	}
	pin := network.Pinned{Dir: e.netnsDir(c.ID)}
	live := c.State.Status == model.Running && pin.Has(network.Net)
	if live && !isNetwork(c.Config.Network) {
		return fmt.Errorf("container %q runs without a network namespace of podunit's: stop it first: %w", c.Name, errdefs.ErrConflict)
	}
	// the record first: a crash after it leaves an attachment that the
	// container's teardown finds (by its leases) and takes down
	if err := e.recordConnect(ctx, c.ID, n.Name, opts, true); err != nil {
		return err
	}
	if live {
		// with the published ports, as a start gives every network of the
		// container: disconnect and rm take them down again per network
		a := containerOwner(c, pin.Path(network.Net)).on(network.Endpoint{
			Network: n.Name, IfName: e.freeIfName(c.ID), Aliases: opts.Aliases, MAC: opts.MAC, IPs: staticIPs(opts)})
		if _, err := e.networks().Attach(ctx, a); err != nil {
			_ = e.recordConnect(context.WithoutCancel(ctx), c.ID, n.Name, opts, false)
			return fmt.Errorf("container %q: %w", c.Name, err)
		}
		e.adoptAardvark(ctx)
	}
	return e.refreshHosts(ctx, n.Name, "")
}

// recordConnect adds network name (with opts) to container id's config,
// or, with add false, takes it out again.
func (e *Engine) recordConnect(ctx context.Context, id, name string, opts model.NetworkOpts, add bool) error {
	_, err := e.store.UpdateContainer(ctx, id, func(r *model.Container) error {
		switch {
		case !add && r.Config.Network == name:
			r.Config.Network = "none"
		case !add:
			r.Config.Networks = slices.DeleteFunc(r.Config.Networks, func(s string) bool { return s == name })
		case !isNetwork(r.Config.Network):
			r.Config.Network = name
		default:
			r.Config.Networks = append(r.Config.Networks, name)
		}
		if !add {
			delete(r.Config.NetworkOpts, name)
		} else if !opts.IsZero() {
			if r.Config.NetworkOpts == nil {
				r.Config.NetworkOpts = map[string]model.NetworkOpts{}
			}
			r.Config.NetworkOpts[name] = opts
		}
		return nil
	})
	return err
}

// NetworkDisconnect takes container ref off network name: a running
// container loses the interface at once (one netavark teardown).
func (e *Engine) NetworkDisconnect(ctx context.Context, name, ref string) error {
	c, unlock, err := e.netContainer(ctx, ref)
	if err != nil {
		return err
	}
	defer unlock()
	if !slices.Contains(networksOf(c.Config.Network, c.Config.NetConfig), name) {
		return fmt.Errorf("container %q is not on network %q: %w", c.Name, name, errdefs.ErrNotFound)
	}
	pin := network.Pinned{Dir: e.netnsDir(c.ID)}
	if pin.Has(network.Net) {
		// with the published ports: their forwarding on this network goes
		a := containerOwner(c, pin.Path(network.Net)).on(network.Endpoint{Network: name, Aliases: c.Config.NetworkOpts[name].Aliases})
		if err := e.networks().Detach(ctx, a); err != nil {
			return fmt.Errorf("container %q: %w", c.Name, err)
		}
	}
	_, err = e.store.UpdateContainer(ctx, c.ID, func(r *model.Container) error {
		all := networksOf(r.Config.Network, r.Config.NetConfig)
		all = slices.DeleteFunc(all, func(s string) bool { return s == name })
		delete(r.Config.NetworkOpts, name)
		if len(all) == 0 {
			r.Config.Network, r.Config.Networks = "none", nil
		} else {
			r.Config.Network, r.Config.Networks = all[0], all[1:]
		}
		if r.State.IP != "" && !isNetwork(r.Config.Network) {
			r.State.IP = ""
		}
		return nil
	})
	if err != nil {
		return err
	}
	return e.refreshHosts(ctx, name, "")
}

// netContainer finds and locks container ref for connect and disconnect;
// a pod member has its pod's networks.
func (e *Engine) netContainer(ctx context.Context, ref string) (*model.Container, func(), error) {
	c, err := e.store.Container(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	if c.Config.Pod != "" {
		return nil, nil, fmt.Errorf("container %q is in a pod: it has its pod's networks: %w", c.Name, errdefs.ErrInvalidArgument)
	}
	unlock, err := e.lock(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	if c, err = e.store.Container(ctx, c.ID); err != nil {
		unlock()
		return nil, nil, err
	}
	return c, unlock, nil
}

// freeIfName is the first ethN owner has no interface of that name.
func (e *Engine) freeIfName(owner string) string {
	used := map[string]bool{}
	for _, st := range e.networks().Status(owner) {
		for name := range st.Interfaces {
			used[name] = true
		}
	}
	for i := 0; ; i++ {
		if n := "eth" + strconv.Itoa(i); !used[n] {
			return n
		}
	}
}

// NetworkReload sets the networks of running containers refs (all with
// all) up again, restoring their firewall rules; it returns the IDs done.
func (e *Engine) NetworkReload(ctx context.Context, refs []string, all bool) ([]string, error) {
	var cs []*model.Container
	if all {
		list, err := e.store.Containers(ctx)
		if err != nil {
			return nil, err
		}
		cs = list
	}
	for _, ref := range refs {
		c, err := e.store.Container(ctx, ref)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	var done []string
	for _, c := range cs {
		pin := network.Pinned{Dir: e.netnsDir(c.ID)}
		if c.Config.Pod != "" || !isNetwork(c.Config.Network) || c.State.Status != model.Running || !pin.Has(network.Net) {
			if !all {
				return done, fmt.Errorf("container %q is not running on a network: %w", c.Name, errdefs.ErrConflict)
			}
			continue
		}
		if err := e.networks().Reload(ctx, containerOwner(c, pin.Path(network.Net)).attachment()); err != nil {
			return done, fmt.Errorf("container %q: %w", c.Name, err)
		}
		e.adoptAardvark(ctx)
		done = append(done, c.ID)
	}
	if !all {
		return done, nil
	}
	pods, err := e.reloadPods(ctx)
	return append(done, pods...), err
}

// reloadPods sets the networks of every started pod up again.
func (e *Engine) reloadPods(ctx context.Context) ([]string, error) {
	pods, err := e.store.Pods(ctx)
	if err != nil {
		return nil, err
	}
	var done []string
	for _, p := range pods {
		pin := e.podNamespaces(p)
		if !p.Config.Shares(network.Net) || !isNetwork(p.Config.Network) || !pin.Has(network.Net) {
			continue
		}
		if err := e.networks().Reload(ctx, podOwner(p, pin.Path(network.Net)).attachment()); err != nil {
			return done, fmt.Errorf("pod %q: %w", p.Name, err)
		}
		e.adoptAardvark(ctx)
		done = append(done, p.ID)
	}
	return done, nil
}
