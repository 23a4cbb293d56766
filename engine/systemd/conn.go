package systemd

import (
	"context"
	"fmt"
	"os"

	sdbus "github.com/coreos/go-systemd/v22/dbus"

	"github.com/podunit/podunit/engine/errdefs"
)

// bootedDir exists when systemd is the init system (sd_booted(3)).
const bootedDir = "/run/systemd/system"

// Conn is a connection to the system's service manager. It is safe for
// concurrent use.
type Conn struct {
	bus *sdbus.Conn
}

// Available reports whether this host runs systemd as PID 1, as sd_booted(3)
// decides: /run/systemd/system is a directory.
func Available() bool {
	fi, err := os.Lstat(bootedDir)
	return err == nil && fi.IsDir()
}

// Connect connects to the system manager, first over its private socket
// /run/systemd/private (no dbus-daemon needed, root only), then over the
// system bus. It fails with errdefs.ErrUnavailable when systemd is not PID 1.
func Connect(ctx context.Context) (*Conn, error) {
	if !Available() {
		return nil, fmt.Errorf("systemd is not running on this host (PID 1 is not systemd): cannot start a detached container: %w", errdefs.ErrUnavailable)
	}
	bus, err := sdbus.NewConnection(privateBus(ctx, "/run/systemd/private", os.Getuid()))
	if err == nil {
		return &Conn{bus: bus}, nil
	}
	bus, err2 := sdbus.NewSystemConnectionContext(ctx)
	if err2 == nil {
		return &Conn{bus: bus}, nil
	}
	return nil, fmt.Errorf("cannot connect to systemd (private socket: %v; system bus: %v): %w",
		err, err2, errdefs.ErrUnavailable)
}

// Close closes the connection.
func (c *Conn) Close() { c.bus.Close() }
