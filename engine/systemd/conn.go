package systemd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	sdbus "github.com/coreos/go-systemd/v22/dbus"

	"github.com/podunit/podunit/engine/errdefs"
)

// bootedDir exists when systemd is the init system (sd_booted(3)).
const bootedDir = "/run/systemd/system"

// Conn is a connection to the system's service manager. It is safe for
// concurrent use.
type Conn struct {
	bus    *sdbus.Conn
	filter *signalFilter // bus's stream, on a private socket

	// dialFDs makes a connection that passes descriptors, for a transient
	// unit that takes a caller's stdin or stderr (the filtered one cannot);
	// nil: bus passes them.
	dialFDs func() (*sdbus.Conn, error)
	fdMu    sync.Mutex
	fdBus   *sdbus.Conn
	closed  bool // under fdMu
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
	c, err := connectPrivate(ctx, "/run/systemd/private", os.Getuid())
	if err == nil {
		return c, nil
	}
	bus, err2 := sdbus.NewSystemConnectionContext(ctx)
	if err2 == nil {
		return &Conn{bus: bus}, nil
	}
	return nil, fmt.Errorf("cannot connect to systemd (private socket: %v; system bus: %v): %w",
		err, err2, errdefs.ErrUnavailable)
}

// Close closes the connection.
func (c *Conn) Close() {
	c.bus.Close()
	c.fdMu.Lock()
	defer c.fdMu.Unlock()
	c.closed = true
	if c.fdBus != nil {
		c.fdBus.Close()
	}
}

// PassFDsSoon makes the connection that passes descriptors in the
// background, for a transient unit the caller will hand one of its
// descriptors: the connect and authentication overlap what it does
// meanwhile.
func (c *Conn) PassFDsSoon() {
	if c.dialFDs != nil {
		go func() { _, _ = c.fdConn() }()
	}
}

// busFor is the connection to ask for t: bus, or one that passes
// descriptors when t hands its commands one of the caller's.
func (c *Conn) busFor(t Transient) (*sdbus.Conn, error) {
	if c.dialFDs == nil || !t.passesFDs() {
		return c.bus, nil
	}
	return c.fdConn()
}

// fdConn is the connection that passes descriptors, made on first use.
func (c *Conn) fdConn() (*sdbus.Conn, error) {
	c.fdMu.Lock()
	defer c.fdMu.Unlock()
	if c.closed {
		return nil, errors.New("connection closed")
	}
	if c.fdBus == nil {
		bus, err := c.dialFDs()
		if err != nil {
			return nil, err
		}
		c.fdBus = bus
	}
	return c.fdBus, nil
}
