package unitstart

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/oci"
	"github.com/podunit/podunit/internal/atomicfile"
)

// Plan is what the command that starts a container's unit leaves in the
// container's bundle for podunit-start: the bundle is made, and this is how
// to finish the start. One plan serves one start: its Nonce is on the unit's
// ExecStart= line too, and podunit-start removes the plan as it reads it, so
// a start that systemd repeats (Restart=) or a plan left by a command that
// died finds none of its own and runs the full unit-start.
type Plan struct {
	Nonce  string
	ID     string
	Bundle string
	// Cgroup is the unit's cgroup the bundle's linux.cgroupsPath lies under:
	// a unit that runs anywhere else (started under another name) does not
	// use the bundle.
	Cgroup string
	// Runtime is the runtime the bundle was made for, as prepare set it up.
	Runtime oci.Runtime
	// DB is the state database.
	DB string
	// Name, LogDriver and LogTag are the container's, for its stdio
	// (Stdio) and its errors, so that only the record's update reads it.
	Name, LogDriver, LogTag string
	// Pid is the init a podunit-start created and handed to systemd
	// before it handed the start over (PlanEnv); 0 before.
	Pid int `json:",omitempty"`
}

// PlanFile is where the plan for the container whose bundle is bundle lies.
func PlanFile(bundle string) string { return filepath.Join(bundle, "start.plan") }

// WritePlan leaves p in its bundle. The bundle is in the run root, which a
// reboot empties, so the write is not synced.
func WritePlan(p *Plan) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteVolatile(PlanFile(p.Bundle), b, 0o600); err != nil {
		return fmt.Errorf("container %s: the start's plan: %w", p.ID, err)
	}
	return nil
}

// TakePlan reads and removes the plan at path, and returns it when it is
// the one nonce names; nil, nil when there is none for this start.
func TakePlan(path, nonce string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("the start's plan: %w", err)
	}
	if err := os.Remove(path); err != nil {
		return nil, fmt.Errorf("the start's plan: %w", err)
	}
	var p Plan
	if json.Unmarshal(b, &p) != nil || p.Nonce != nonce || nonce == "" || PlanFile(p.Bundle) != path {
		return nil, nil // another start's, or damaged: the full road makes the bundle anew
	}
	return &p, nil
}

// TakeOwnPlan takes the plan at path (TakePlan) and returns it when it is
// the start's own: nonce's, for container id, whose unit's cgroup is this
// process's. nil means the full unit-start's road; a plan that cannot be
// read is warned of on stderr, the unit's journal.
func TakeOwnPlan(path, nonce, id string) *Plan {
	p, err := TakePlan(path, nonce)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Warning: %s\n", err)
	}
	if p == nil || p.ID != id || !inCgroup(os.Getpid(), p.Cgroup) {
		return nil
	}
	return p
}

// container is the part of the container's record the plan carries.
func (p *Plan) container() *model.Container {
	c := &model.Container{ID: p.ID, Name: p.Name}
	c.Config.LogDriver, c.Config.LogTag = p.LogDriver, p.LogTag
	return c
}
