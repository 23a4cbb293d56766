package systemd

import (
	"context"
	"strings"
)

// UnitCommand is a loaded unit and the argv of its first ExecStart=, or of
// its first ExecStop= where it runs nothing at start (a pod's unit).
type UnitCommand struct {
	Name        string
	ActiveState string
	Argv        []string
}

// UnitsMatching lists the loaded units whose names match any of the glob
// patterns, each with its command line (UnitCommand; none for a unit
// without one).
func (c *Conn) UnitsMatching(ctx context.Context, patterns ...string) ([]UnitCommand, error) {
	units, err := c.bus().ListUnitsByPatternsContext(ctx, nil, patterns)
	if err != nil {
		return nil, wrap("list", strings.Join(patterns, " "), err)
	}
	out := make([]UnitCommand, 0, len(units))
	for _, u := range units {
		uc := UnitCommand{Name: u.Name, ActiveState: u.ActiveState}
		if argv, err := c.ExecStart(ctx, u.Name); err == nil {
			uc.Argv = argv
		}
		if uc.Argv == nil {
			uc.Argv, _ = c.firstCommand(ctx, u.Name, "ExecStop")
		}
		out = append(out, uc)
	}
	return out, nil
}
