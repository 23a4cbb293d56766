package network

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
)

// Manager keeps podunit's networks as Podman network files (NAME.json) in
// ConfDir and attaches namespaces to them with netavark. Leases,
// netavark's and aardvark-dns's files live under RunDir, on the run
// root's tmpfs, so they vanish with a reboot as the attachments do.
type Manager struct {
	ConfDir  string // <graphroot>/podunit/networks
	RunDir   string // <runroot>/podunit/netavark
	Netavark string // netavark's path; "" finds it
	Aardvark string // aardvark-dns's path; "" finds it
	// CNIRunDir is where an older podunit kept CNI leases
	// (<runroot>/podunit/cni), checked when its conflists are migrated.
	CNIRunDir string
}

// NewManager returns a Manager over confDir and runDir.
func NewManager(confDir, runDir string) *Manager {
	return &Manager{ConfDir: confDir, RunDir: runDir}
}

func (m *Manager) path(name string) string { return filepath.Join(m.ConfDir, name+".json") }

// Get reads the network named name, or whose ID is or starts with name.
func (m *Manager) Get(name string) (Network, error) {
	if err := m.migrate(); err != nil {
		return Network{}, err
	}
	n, err := m.read(name)
	if !errdefs.IsNotFound(err) || name == "" {
		return n, err
	}
	all, lerr := m.List()
	if lerr != nil {
		return n, lerr
	}
	var found []Network
	for _, x := range all {
		if strings.HasPrefix(x.ID, name) {
			found = append(found, x)
		}
	}
	switch len(found) {
	case 0:
		return n, err
	case 1:
		return found[0], nil
	}
	return n, fmt.Errorf("network ID prefix %q matches %d networks: %w", name, len(found), errdefs.ErrInvalidArgument)
}

func (m *Manager) read(name string) (Network, error) {
	var n Network
	data, err := os.ReadFile(m.path(name))
	if errors.Is(err, os.ErrNotExist) || strings.ContainsRune(name, '/') {
		return n, fmt.Errorf("network %q: %w", name, errdefs.ErrNotFound)
	}
	if err != nil {
		return n, err
	}
	if err := json.Unmarshal(data, &n); err != nil {
		return n, fmt.Errorf("%s: %w", m.path(name), err)
	}
	if n.Name != name {
		return n, fmt.Errorf("%s: it names network %q: %w", m.path(name), n.Name, errdefs.ErrInvalidArgument)
	}
	return n, nil
}

// List reads every network, sorted by name.
func (m *Manager) List() ([]Network, error) {
	if err := m.migrate(); err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(m.ConfDir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []Network
	for _, f := range files {
		n, err := m.read(strings.TrimSuffix(filepath.Base(f), ".json"))
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

// Encode is a network's file as Podman writes it.
func Encode(n Network) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "     ")
	err := enc.Encode(n)
	return b.Bytes(), err
}

// Add writes n's file; an existing network of that name is an
// AlreadyExists error and is left alone (the file appears whole or not at all).
func (m *Manager) Add(n Network) error {
	data, err := Encode(n)
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
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), m.path(n.Name)); errors.Is(err, os.ErrExist) {
		return fmt.Errorf("network %q: %w", n.Name, errdefs.ErrAlreadyExists)
	} else if err != nil {
		return err
	}
	return nil
}

// Remove deletes network n: its bridge, keeper and rules, its leases, its
// DNAT chain and its file, the file last, so that a re-run after a kill finds the
// network and finishes. The caller has detached everything first; a live
// owner that attached meanwhile (its lease, taken under the same lock as
// this removal, says so) makes it fail with ErrConflict and change
// nothing, so that no container is left on a network that is gone. live
// tells the owners that exist from the stale leases of removed ones; nil
// takes every owner for live.
func (m *Manager) Remove(ctx context.Context, n Network, live func(owner string) bool) error {
	unlock, err := m.lock()
	if err != nil {
		return err
	}
	defer unlock()
	var owners []string
	for _, o := range m.owners(n) {
		if live == nil || live(o) {
			owners = append(owners, o)
		}
	}
	if len(owners) > 0 {
		return fmt.Errorf("network %q: attached meanwhile by %s: %w", n.Name, strings.Join(owners, ", "), errdefs.ErrConflict)
	}
	if err := m.removeHost(ctx, n); err != nil {
		return err
	}
	if err := removeInternal(n); err != nil {
		return err
	}
	if n.Driver == "bridge" {
		if err := deleteLink(n.NetworkInterface); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(m.leaseDir(n.Name)); err != nil {
		return err
	}
	if n.Driver == "bridge" {
		if err := m.removeDNATChain(n.Name); err != nil {
			return err
		}
	}
	if err := os.Remove(m.path(n.Name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
