package systemd

import "context"

// Freeze freezes every process of a unit (cgroup v2's freezer). systemd
// refuses where it cannot freeze (no unified cgroup hierarchy):
// errdefs.ErrNotImplemented.
func (c *Conn) Freeze(ctx context.Context, unit string) error {
	return wrap("freeze", unit, c.bus().FreezeUnit(ctx, unit))
}

// Thaw thaws a frozen unit.
func (c *Conn) Thaw(ctx context.Context, unit string) error {
	return wrap("thaw", unit, c.bus().ThawUnit(ctx, unit))
}
