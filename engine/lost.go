package engine

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// recordCopy is the copy of c's record that its storage container keeps,
// from which system check rebuilds a lost record; nil if c cannot be
// encoded (it could not have been stored either).
func recordCopy(c *model.Container) []byte {
	cp := *c
	cp.State = model.State{Status: model.Created}
	b, err := json.Marshal(&cp)
	if err != nil {
		return nil
	}
	return b
}

// refuseLostState is the state store's guard for a database without a
// schema: a new installation gets one, but where podunit's objects exist
// the records were lost (an emptied or deleted state.db), and starting
// over would leave those objects running and leaking unseen.
func (e *Engine) refuseLostState() error {
	found, err := e.leftovers()
	if err != nil || len(found) == 0 {
		return err
	}
	return fmt.Errorf("it holds no records, but podunit objects exist (%s): the records are lost; "+
		"run 'podunit system check --repair' to rebuild them or remove what cannot be rebuilt: %w",
		strings.Join(found, ", "), errdefs.ErrCorrupt)
}

// leftovers counts the podunit objects that outlive their records: its
// storage containers, OCI bundles, runtime state, pinned namespaces and
// volume directories.
func (e *Engine) leftovers() ([]string, error) {
	owned, err := e.images.OwnedRootfs()
	if err != nil {
		return nil, err
	}
	var found []string
	if n := len(owned); n > 0 {
		found = append(found, fmt.Sprintf("storage containers: %d", n))
	}
	for _, d := range []struct{ glob, what string }{
		{filepath.Join(e.runDir, "containers", "*"), "OCI bundles"},
		{filepath.Join(e.runDir, "runtime", "*", "*"), "runtime states"},
		{filepath.Join(e.runDir, "pods", "*"), "pod namespace pins"},
		{filepath.Join(e.runDir, "netns", "*"), "network namespace pins"},
		{filepath.Join(e.cfg.StorageRoot, "podunit", "volumes", "*"), "volumes"},
	} {
		if n := countEntries(d.glob); n > 0 {
			found = append(found, fmt.Sprintf("%s: %d", d.what, n))
		}
	}
	return found, nil
}

// countEntries counts what glob matches.
func countEntries(glob string) int {
	m, _ := filepath.Glob(glob)
	return len(m)
}
