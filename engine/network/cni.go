package network

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/containernetworking/cni/libcni"
	types100 "github.com/containernetworking/cni/pkg/types/100"

	"github.com/podunit/podunit/engine/errdefs"
)

// PluginDirs are where CNI plugins are looked for (Debian's package first).
var PluginDirs = []string{"/usr/lib/cni", "/usr/libexec/cni", "/opt/cni/bin"}

// IfName is the container side of every attachment.
const IfName = "eth0"

// Manager keeps podunit's networks as conflists in ConfDir and attaches
// namespaces to them. Leases and libcni's cache live under RunDir, on the
// run root's tmpfs, so they vanish with a reboot as the attachments do.
type Manager struct {
	ConfDir string // <graphroot>/podunit/networks
	RunDir  string // <runroot>/podunit/cni
	cni     *libcni.CNIConfig
}

// NewManager returns a Manager over confDir and runDir.
func NewManager(confDir, runDir string) *Manager {
	return &Manager{ConfDir: confDir, RunDir: runDir,
		cni: libcni.NewCNIConfigWithCacheDir(PluginDirs, filepath.Join(runDir, "cache"), nil)}
}

// DataDir is host-local's lease directory (one subdirectory per network).
func (m *Manager) DataDir() string { return filepath.Join(m.RunDir, "networks") }

func (m *Manager) path(name string) string { return filepath.Join(m.ConfDir, name+".conflist") }

// Get reads network name.
func (m *Manager) Get(name string) (Network, error) {
	data, err := os.ReadFile(m.path(name))
	if errors.Is(err, os.ErrNotExist) {
		return Network{}, fmt.Errorf("network %q: %w", name, errdefs.ErrNotFound)
	}
	if err != nil {
		return Network{}, err
	}
	n, err := ParseConflist(data)
	if err != nil {
		return n, fmt.Errorf("%s: %w", m.path(name), err)
	}
	return n, nil
}

// List reads every network, sorted by name.
func (m *Manager) List() ([]Network, error) {
	files, err := filepath.Glob(filepath.Join(m.ConfDir, "*.conflist"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []Network
	for _, f := range files {
		n, err := m.Get(strings.TrimSuffix(filepath.Base(f), ".conflist"))
		if errdefs.IsNotFound(err) {
			continue // removed meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// Add writes n's conflist; an existing network of that name is an
// AlreadyExists error and is left alone (the file appears whole or not at all).
func (m *Manager) Add(n Network) error {
	data, err := Conflist(n, m.DataDir())
	if err != nil {
		return err
	}
	if err := os.MkdirAll(m.ConfDir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(m.ConfDir, "."+n.Name+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), m.path(n.Name)); errors.Is(err, os.ErrExist) {
		return fmt.Errorf("network %q: %w", n.Name, errdefs.ErrAlreadyExists)
	} else if err != nil {
		return err
	}
	return nil
}

// Remove deletes network n: its conflist, its leases and its bridge. The
// caller has detached everything first.
func (m *Manager) Remove(n Network) error {
	if err := os.Remove(m.path(n.Name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.RemoveAll(filepath.Join(m.DataDir(), n.Name)); err != nil {
		return err
	}
	return deleteLink(n.Bridge)
}

// load reads the conflist of name for libcni, with this engine's lease dir.
func (m *Manager) load(name string) (*libcni.NetworkConfigList, error) {
	data, err := os.ReadFile(m.path(name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("network %q: %w", name, errdefs.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if data, err = withDataDir(data, m.DataDir()); err != nil {
		return nil, fmt.Errorf("%s: %w", m.path(name), err)
	}
	return libcni.ConfListFromBytes(data)
}

func runtimeConf(id, netns string, ports []PortMapping) *libcni.RuntimeConf {
	rt := &libcni.RuntimeConf{ContainerID: id, NetNS: netns, IfName: IfName}
	if len(ports) > 0 {
		rt.CapabilityArgs = map[string]any{"portMappings": ports}
	}
	return rt
}

// Attach runs CNI ADD for the namespace netns (a pinned file) of owner id
// on network name and returns the address it got. On failure what was
// set up is taken down again.
func (m *Manager) Attach(ctx context.Context, name, id, netns string, ports []PortMapping) (string, error) {
	list, err := m.load(name)
	if err != nil {
		return "", err
	}
	rt := runtimeConf(id, netns, ports)
	res, err := m.cni.AddNetworkList(ctx, list, rt)
	if err != nil {
		_ = m.cni.DelNetworkList(context.WithoutCancel(ctx), list, rt)
		return "", fmt.Errorf("network %q: %w", name, err)
	}
	r, err := types100.NewResultFromResult(res)
	if err != nil {
		return "", err
	}
	for _, ip := range r.IPs {
		if ip.Address.IP.To4() != nil {
			return ip.Address.IP.String(), nil
		}
	}
	if len(r.IPs) > 0 {
		return r.IPs[0].Address.IP.String(), nil
	}
	return "", nil
}

// Detach runs CNI DEL for owner id on network name. netns "" (the
// namespace is gone) still releases the lease and the host's rules, and
// detaching what is not attached is no error: a re-run finishes the job.
func (m *Manager) Detach(ctx context.Context, name, id, netns string, ports []PortMapping) error {
	list, err := m.load(name)
	if errdefs.IsNotFound(err) {
		return nil // removed with -f after its users
	}
	if err != nil {
		return err
	}
	if err := m.cni.DelNetworkList(ctx, list, runtimeConf(id, netns, ports)); err != nil {
		return fmt.Errorf("network %q: %w", name, err)
	}
	return nil
}

// Attachments counts the leases host-local holds on network name.
func (m *Manager) Attachments(name string) int {
	entries, _ := os.ReadDir(filepath.Join(m.DataDir(), name))
	n := 0
	for _, e := range entries {
		if net.ParseIP(e.Name()) != nil {
			n++
		}
	}
	return n
}
