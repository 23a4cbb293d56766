package systemd

import (
	"context"
	"strings"
)

// UnitCommand is a loaded unit and the argv of its first ExecStart=.
type UnitCommand struct {
	Name        string
	ActiveState string
	Argv        []string
}

// UnitsMatching lists the loaded units whose names match any of the glob
// patterns, each with its first ExecStart= command line (none for a unit
// without one).
func (c *Conn) UnitsMatching(ctx context.Context, patterns ...string) ([]UnitCommand, error) {
	units, err := c.bus.ListUnitsByPatternsContext(ctx, nil, patterns)
	if err != nil {
		return nil, wrap("list", strings.Join(patterns, " "), err)
	}
	out := make([]UnitCommand, 0, len(units))
	for _, u := range units {
		uc := UnitCommand{Name: u.Name, ActiveState: u.ActiveState}
		if p, err := c.bus.GetServicePropertyContext(ctx, u.Name, "ExecStart"); err == nil {
			uc.Argv = execStartArgv(p.Value.Value())
		}
		out = append(out, uc)
	}
	return out, nil
}

// execStartArgv picks the argv of the first command out of an ExecStart
// property value: a(sasbttttuii), decoded as [][]any.
func execStartArgv(v any) []string {
	cmds, ok := v.([][]any)
	if !ok || len(cmds) == 0 || len(cmds[0]) < 2 {
		return nil
	}
	argv, _ := cmds[0][1].([]string)
	return argv
}
