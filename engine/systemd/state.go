package systemd

import (
	"context"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
)

// UnitState is what systemd reports about a unit. The service fields
// (MainPID and after) are zero for units that are not services.
type UnitState struct {
	Name        string
	LoadState   string // "loaded", "not-found", "masked", ...
	ActiveState string // "active", "activating", "deactivating", "inactive", "failed", ...
	SubState    string // "running", "exited", "dead", "auto-restart", ...
	Result      string // "success", "exit-code", "signal", "timeout", ...

	MainPID        int
	ExecMainStatus int // exit status, or signal number when killed
	ExecMainCode   int // CLD_EXITED=1, CLD_KILLED=2, CLD_DUMPED=3
	ControlGroup   string
	NRestarts      int
}

// The si_code values of ExecMainCode.
const (
	CLDExited = 1
	CLDKilled = 2
	CLDDumped = 3
)

// State reads a unit's state. A unit that is neither loaded nor on disk is
// no error: its LoadState is "not-found".
func (c *Conn) State(ctx context.Context, unit string) (*UnitState, error) {
	props, err := c.bus().GetAllPropertiesContext(ctx, unit)
	if err != nil {
		err = wrap("state of", unit, err)
		if errdefs.IsNotFound(err) {
			return &UnitState{Name: unit, LoadState: "not-found", ActiveState: "inactive", SubState: "dead"}, nil
		}
		return nil, err
	}
	return stateFrom(unit, props), nil
}

// stateFrom picks the fields of UnitState out of a property map.
func stateFrom(unit string, p map[string]any) *UnitState {
	s := &UnitState{
		Name:        unit,
		LoadState:   str(p["LoadState"]),
		ActiveState: str(p["ActiveState"]),
		SubState:    str(p["SubState"]),
	}
	if !strings.HasSuffix(unit, ".service") {
		return s
	}
	s.Result = str(p["Result"])
	s.MainPID = num(p["MainPID"])
	s.ExecMainStatus = num(p["ExecMainStatus"])
	s.ExecMainCode = num(p["ExecMainCode"])
	s.ControlGroup = str(p["ControlGroup"])
	s.NRestarts = num(p["NRestarts"])
	return s
}

// str returns v if it is a string, else "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

// num converts the D-Bus integer types systemd uses to int.
func num(v any) int {
	switch n := v.(type) {
	case int32:
		return int(n)
	case uint32:
		return int(n)
	case int64:
		return int(n)
	case uint64:
		return int(n)
	}
	return 0
}

// ExecStart reads the argv of a loaded service's first ExecStart= command;
// nil if it has none.
func (c *Conn) ExecStart(ctx context.Context, unit string) ([]string, error) {
	return c.firstCommand(ctx, unit, "ExecStart")
}

// firstCommand reads the argv of a loaded service's first command of the
// Exec*= property prop; nil if it has none.
func (c *Conn) firstCommand(ctx context.Context, unit, prop string) ([]string, error) {
	p, err := c.bus().GetServicePropertyContext(ctx, unit, prop)
	if err != nil {
		return nil, wrap(prop+" of", unit, err)
	}
	return firstArgv(p.Value.Value()), nil
}

// firstArgv picks the argv out of an Exec*= property value, D-Bus type
// a(sasbttttuii): each command is path, argv, ignore-failure and times.
func firstArgv(v any) []string {
	cmds, ok := v.([][]any)
	if !ok || len(cmds) == 0 || len(cmds[0]) < 2 {
		return nil
	}
	argv, _ := cmds[0][1].([]string)
	return argv
}
