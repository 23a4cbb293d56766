package network

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
)

// What netavark reported for each owner is kept under RunDir/status/ID.json
// (network name → interfaces and addresses), for `network inspect`.

func (m *Manager) statusPath(owner string) string {
	return filepath.Join(m.RunDir, "status", owner+".json")
}

// Status is what netavark reported for owner's attachments, by network.
func (m *Manager) Status(owner string) map[string]Status {
	out := map[string]Status{}
	data, err := os.ReadFile(m.statusPath(owner))
	if err == nil {
		_ = json.Unmarshal(data, &out)
	}
	return out
}

// updateStatus merges add into owner's status and drops the networks in drop.
func (m *Manager) updateStatus(owner string, add map[string]Status, drop []string) error {
	st := m.Status(owner)
	for k, v := range add {
		st[k] = v
	}
	for _, k := range drop {
		delete(st, k)
	}
	if len(st) == 0 {
		if err := os.Remove(m.statusPath(owner)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(m.statusPath(owner)), 0o755); err != nil {
		return err
	}
	tmp := m.statusPath(owner) + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, m.statusPath(owner))
}
