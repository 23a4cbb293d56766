package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/network"
	"github.com/podunit/podunit/engine/spec"
)

// netnsDir is where a container on a network pins its network namespace:
// it must exist before the runtime starts, for netavark to set it up.
func (e *Engine) netnsDir(id string) string {
	return filepath.Join(e.runDir, "netns", id)
}

// setupNetwork gives the spec input c's namespaces and its /etc/hosts,
// /etc/resolv.conf and /etc/hostname (files in the bundle, bound in). A
// container on a network gets a pinned network namespace attached by netavark;
// release undoes that (teardownNetwork).
func (e *Engine) setupNetwork(ctx context.Context, c *model.Container, in *spec.Input, bundle string) error {
	mode := c.Config.Network
	var err error
	switch {
	case c.Config.Pod != "":
		var ns []nsEntry
		if ns, err = e.podNamespacesFor(ctx, c); err == nil {
			in.Namespaces = memberNamespaces(ns)
			e.firstMemberHostname(ctx, c, ns, in)
		}
	case mode == "host":
		in.Namespaces = memberNamespaces([]nsEntry{{kind: network.IPC}, {kind: network.UTS}})
	case strings.HasPrefix(mode, "container:"):
		var path string
		if path, err = e.containerNetns(ctx, strings.TrimPrefix(mode, "container:")); err == nil {
			in.Namespaces = standaloneNamespaces(path)
		}
	case strings.HasPrefix(mode, "ns:"):
		in.Namespaces = standaloneNamespaces(strings.TrimPrefix(mode, "ns:"))
	case mode == pastaMode || mode == slirpMode:
		var path string
		if path, err = e.userNetns(ctx, c); err == nil {
			in.Namespaces = standaloneNamespaces(path)
		}
	case isNetwork(mode):
		var path string
		if path, err = e.attach(ctx, c); err == nil {
			in.Namespaces = standaloneNamespaces(path)
		}
	}
	if err != nil {
		return fmt.Errorf("container %q: %w", c.Name, err)
	}
	return e.writeEtc(ctx, c, in, bundle)
}

// standaloneNamespaces are a container's own namespaces, with the network
// namespace at netPath.
func standaloneNamespaces(netPath string) []specs.LinuxNamespace {
	return memberNamespaces([]nsEntry{{kind: network.IPC}, {kind: network.UTS}, {kind: network.Net, path: netPath}})
}

// containerNetns is the network namespace of running container ref.
func (e *Engine) containerNetns(ctx context.Context, ref string) (string, error) {
	t, err := e.store.Container(ctx, ref)
	if err != nil {
		return "", err
	}
	if t.State.Status != model.Running || t.State.Pid == 0 {
		return "", fmt.Errorf("--network container:%s: it is not running: %w", t.Name, errdefs.ErrConflict)
	}
	return "/proc/" + strconv.Itoa(t.State.Pid) + "/ns/net", nil
}

// attach pins a network namespace for c, runs netavark setup on it and records
// the address; it returns the namespace's path.
func (e *Engine) attach(ctx context.Context, c *model.Container) (string, error) {
	if (network.Pinned{Dir: e.netnsDir(c.ID)}).Has(network.Net) {
		// a crash left the last attachment: finish its teardown first
		if err := e.teardownNetwork(ctx, c); err != nil {
			return "", err
		}
	}
	pin, err := network.Pin(e.netnsDir(c.ID), []string{network.Net}, "")
	if err != nil {
		return "", err
	}
	path := pin.Path(network.Net)
	ip, err := e.attachOwner(ctx, containerOwner(c, path))
	if err != nil {
		return "", err
	}
	c.State.IP = ip
	_, err = e.store.UpdateContainer(ctx, c.ID, func(r *model.Container) error {
		r.State.IP = ip
		return nil
	})
	return path, err
}

// teardownNetwork undoes attach: netavark teardown (on the pinned namespace while it
// is there), unpin, forget the address, update the peers' hosts files.
// Each step is idempotent, so a re-run after a crash finishes it.
//
// A container whose last network was disconnected while it ran has no
// network in its record but still its pinned namespace: the pin decides.
func (e *Engine) teardownNetwork(ctx context.Context, c *model.Container) error {
	if c.Config.Pod != "" {
		return nil
	}
	pin := network.Pinned{Dir: e.netnsDir(c.ID)}
	pinned, onNetwork := pin.Has(network.Net), isNetwork(c.Config.Network)
	if !pinned && !onNetwork {
		return nil
	}
	path := ""
	if pinned {
		path = pin.Path(network.Net)
	}
	if err := e.detachOwner(ctx, containerOwner(c, path)); err != nil {
		return err
	}
	if err := network.Unpin(pin.Dir); err != nil {
		return err
	}
	_, err := e.store.UpdateContainer(ctx, c.ID, func(r *model.Container) error {
		r.State.IP = ""
		return nil
	})
	if err != nil && !errdefs.IsNotFound(err) {
		return err
	}
	c.State.IP = ""
	if !onNetwork {
		return nil
	}
	return e.refreshHosts(ctx, c.Config.Network, c.ID)
}

// writeEtc writes c's hosts, resolv.conf and hostname into the bundle and
// binds them, unless the user mounts something there.
func (e *Engine) writeEtc(ctx context.Context, c *model.Container, in *spec.Input, bundle string) error {
	// A user mount on the file or on a folder above it (a volume on /etc)
	// keeps its own: binding ours would create files in the volume.
	taken := map[string]bool{}
	for _, m := range in.Mounts {
		taken[filepath.Clean(m.Destination)] = true
	}
	covered := func(dest string) bool {
		for d := dest; d != "/"; d = filepath.Dir(d) {
			if taken[d] {
				return true
			}
		}
		return false
	}
	hosts, err := e.hostsFor(ctx, c)
	if err != nil {
		return err
	}
	resolv, err := e.resolvFor(ctx, c)
	if err != nil {
		return err
	}
	files := []struct {
		dest string
		data []byte
	}{{"/etc/resolv.conf", resolv}}
	if nc := e.nameConfig(ctx, c); !nc.NoHosts {
		files = append(files, struct {
			dest string
			data []byte
		}{"/etc/hosts", hosts})
	}
	if h := e.hostnameOf(ctx, c); h != "" {
		files = append(files, struct {
			dest string
			data []byte
		}{"/etc/hostname", []byte(h + "\n")})
	}
	for _, f := range files {
		if covered(f.dest) {
			continue
		}
		src := filepath.Join(bundle, filepath.Base(f.dest))
		if err := os.WriteFile(src, f.data, 0o644); err != nil {
			return err
		}
		in.Mounts = append(in.Mounts, spec.Mount{Source: src, Destination: f.dest})
	}
	if isNetwork(c.Config.Network) {
		return e.refreshHosts(ctx, c.Config.Network, c.ID)
	}
	return nil
}

// hostnameOf is c's host name: its pod's when it shares the pod's UTS
// namespace ("" when the pod has none of its own), else its own or its
// short ID.
func (e *Engine) hostnameOf(ctx context.Context, c *model.Container) string {
	if c.Config.Pod != "" {
		if p, err := e.podOf(ctx, c); err == nil && p.Config.Shares(network.UTS) {
			return p.Config.Hostname
		}
	}
	if c.Config.Hostname != "" {
		return c.Config.Hostname
	}
	return c.ID[:12]
}

// hostsFor is c's /etc/hosts: localhost, itself (its pod and fellow
// members) at its address, then everything else attached to its network.
func (e *Engine) hostsFor(ctx context.Context, c *model.Container) ([]byte, error) {
	if c.Config.Network == "host" {
		if data, err := os.ReadFile("/etc/hosts"); err == nil {
			return data, nil
		}
	}
	ip, net, self := c.State.IP, c.Config.Network, []string{e.hostnameOf(ctx, c), c.Name}
	if c.Config.Pod != "" {
		p, err := e.podOf(ctx, c)
		if err != nil {
			return nil, err
		}
		ip, net = p.State.IP, p.Config.Network
		self = append(self, e.podNames(ctx, p)...)
	}
	if ip == "" {
		ip = "127.0.1.1"
	}
	entries, err := addHosts(e.nameConfig(ctx, c).AddHost)
	if err != nil {
		return nil, err
	}
	entries = append(entries, network.HostEntry{IP: ip, Names: self})
	if isNetwork(net) {
		peers, err := e.peers(ctx, net)
		if err != nil {
			return nil, err
		}
		entries = append(entries, peers...)
	}
	return network.HostsFile(entries), nil
}

// podNames are the names a pod answers to: its host name, its name and its members'.
func (e *Engine) podNames(ctx context.Context, p *model.Pod) []string {
	members, _ := e.store.PodMemberNames(ctx, p.ID)
	return append([]string{p.Config.Hostname, p.Name}, members...)
}

// peers are the hosts entries of everything attached to network net.
func (e *Engine) peers(ctx context.Context, net string) ([]network.HostEntry, error) {
	cs, ps, err := e.NetworkUsers(ctx, net)
	if err != nil {
		return nil, err
	}
	var out []network.HostEntry
	for _, c := range cs {
		if c.State.IP != "" {
			out = append(out, network.HostEntry{IP: c.State.IP, Names: []string{c.Name, e.hostnameOf(ctx, c)}})
		}
	}
	for _, p := range ps {
		if p.State.IP != "" {
			out = append(out, network.HostEntry{IP: p.State.IP, Names: e.podNames(ctx, p)})
		}
	}
	return out, nil
}

// refreshHosts rewrites, in place (they are bind-mounted files), the hosts
// files of everything attached to network net but skip, so that a
// container that starts or stops later is known by name to the others.
func (e *Engine) refreshHosts(ctx context.Context, net, skip string) error {
	cs, ps, err := e.NetworkUsers(ctx, net)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.State.IP == "" {
			continue
		}
		members, _ := e.store.PodContainers(ctx, p.ID)
		cs = append(cs, members...)
	}
	var errs []error
	for _, c := range cs {
		path := filepath.Join(e.bundleDir(c.ID), "hosts")
		if c.ID == skip {
			continue
		}
		if _, err := os.Stat(path); err != nil {
			continue
		}
		data, err := e.hostsFor(ctx, c)
		if err == nil {
			err = rewriteExisting(path, data)
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// rewriteExisting truncates and writes the file at path in place (a bind
// mount keeps the inode), but never creates it: a peer's release may be
// removing its bundle meanwhile, and a file made again in it would make that
// removal fail with "directory not empty".
func rewriteExisting(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return errors.Join(err, f.Close())
}
