package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.podman.io/common/libnetwork/types"

	"github.com/podunit/podunit/engine/errdefs"
)

// migrate rewrites the CNI conflists an older podunit wrote into Podman
// network files, once none of them holds a CNI lease (an attachment made
// by CNI must be taken down by CNI: stop those containers and pods with
// the older podunit, or reboot, which empties the run root). A conflist
// is removed only after its network file is written.
func (m *Manager) migrate() error {
	old, _ := filepath.Glob(filepath.Join(m.ConfDir, "*.conflist"))
	if len(old) == 0 {
		return nil
	}
	var busy []string
	for _, f := range old {
		name := strings.TrimSuffix(filepath.Base(f), ".conflist")
		if cniLeases(filepath.Join(m.CNIRunDir, "networks", name)) > 0 {
			busy = append(busy, name)
		}
	}
	if len(busy) > 0 {
		return fmt.Errorf("CNI networks of an older podunit in %s are still attached (%s): "+
			"stop their containers and pods with that podunit, or reboot, then podunit migrates them to netavark: %w",
			m.ConfDir, strings.Join(busy, ", "), errdefs.ErrConflict)
	}
	for _, f := range old {
		if err := m.migrateOne(f); err != nil {
			return fmt.Errorf("migrating %s: %w", f, err)
		}
	}
	return nil
}

func (m *Manager) migrateOne(file string) error {
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil // migrated meanwhile
	}
	if err != nil {
		return err
	}
	n, err := ParseConflist(data)
	if err != nil {
		return err
	}
	if err := m.Add(n); err != nil && !errdefs.IsAlreadyExists(err) {
		return err
	}
	if err := os.Remove(file); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

func cniLeases(dir string) int {
	entries, _ := os.ReadDir(dir)
	n := 0
	for _, e := range entries {
		if net.ParseIP(e.Name()) != nil {
			n++
		}
	}
	return n
}

// The parts of an older podunit's conflist that make its network.
type legacyList struct {
	Name string `json:"name"`
	Args struct {
		ID       string            `json:"podunit_id"`
		Labels   map[string]string `json:"podunit_labels"`
		Internal bool              `json:"podunit_internal"`
		Created  time.Time         `json:"podunit_created"`
	} `json:"args"`
	Plugins []struct {
		Type   string `json:"type"`
		Bridge string `json:"bridge"`
		IPAM   struct {
			Ranges [][]struct {
				Subnet  string `json:"subnet"`
				Gateway string `json:"gateway"`
			} `json:"ranges"`
		} `json:"ipam"`
	} `json:"plugins"`
}

// ParseConflist reads an older podunit's bridge conflist as a network.
func ParseConflist(data []byte) (Network, error) {
	var l legacyList
	if err := json.Unmarshal(data, &l); err != nil {
		return Network{}, err
	}
	n := Network{Name: l.Name, ID: l.Args.ID, Driver: types.BridgeNetworkDriver, Internal: l.Args.Internal,
		Labels: l.Args.Labels, Created: l.Args.Created}
	for _, p := range l.Plugins {
		if p.Type != "bridge" {
			continue
		}
		n.NetworkInterface = p.Bridge
		for _, r := range p.IPAM.Ranges {
			for _, x := range r {
				s, err := types.ParseCIDR(x.Subnet)
				if err != nil {
					return n, fmt.Errorf("subnet %q: %w", x.Subnet, err)
				}
				n.Subnets = append(n.Subnets, Subnet{Subnet: s, Gateway: net.ParseIP(x.Gateway)})
			}
		}
	}
	if n.Name == "" || n.NetworkInterface == "" || len(n.ID) != 64 {
		return n, fmt.Errorf("not a podunit bridge network")
	}
	return n, Complete(&n, nil)
}
