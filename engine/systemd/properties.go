package systemd

import (
	"context"

	sdbus "github.com/coreos/go-systemd/v22/dbus"
	"github.com/godbus/dbus/v5"
)

// Property is one unit property to set. Value must have the property's exact
// D-Bus type: uint64 for CPUWeight, MemoryMax, TasksMax and *USec, int32
// for signals, string, bool, []string.
type Property struct {
	Name  string
	Value any
}

// SetProperties sets unit properties of a loaded unit, for this boot only
// (runtime true, a drop-in in /run) or persistently (a drop-in in /etc).
// systemd 252 accepts only resource-control properties here (CPUWeight,
// MemoryMax, TasksMax, ...) and a few generic ones such as Description:
// service properties such as TimeoutStopUSec or KillSignal are fixed once a
// unit is loaded, and setting them is errdefs.ErrInvalidArgument.
func (c *Conn) SetProperties(ctx context.Context, unit string, runtime bool, props ...Property) error {
	list := make([]sdbus.Property, 0, len(props))
	for _, p := range props {
		list = append(list, sdbus.Property{Name: p.Name, Value: dbus.MakeVariant(p.Value)})
	}
	return wrap("set properties of", unit, c.bus().SetUnitPropertiesContext(ctx, unit, runtime, list...))
}
