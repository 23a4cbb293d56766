package systemd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	sdbus "github.com/coreos/go-systemd/v22/dbus"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/internal/ctxsleep"
)

// bootedDir exists when systemd is the init system (sd_booted(3)).
const bootedDir = "/run/systemd/system"

// Conn is a connection to the system's service manager. It is safe for
// concurrent use.
type Conn struct {
	cur    atomic.Pointer[link] // the connection in use: a new one once it was lost (follow)
	filter *signalFilter        // the first connection's stream, on a private socket

	// redial connects anew, where the first connection was made to a
	// private socket; nil: it cannot.
	redial func(ctx context.Context) (*link, error)
	// dialFDs makes a connection that passes descriptors, for a transient
	// unit that takes a caller's stdin or stderr (the filtered one cannot);
	// nil: bus passes them.
	dialFDs  func() (*link, error)
	fdMu     sync.Mutex
	fdLink   *link
	closed   bool       // under fdMu
	relinkMu sync.Mutex // one waiter connects anew for all
}

// link is one connection to the manager.
type link struct {
	bus *sdbus.Conn
	// lost is closed once the connection is gone: the manager re-executed
	// (daemon-reexec, an upgrade of systemd) or died; nil where that is
	// not known (the system bus, whose daemon stays).
	lost <-chan struct{}
}

// bus is the connection in use.
func (c *Conn) bus() *sdbus.Conn { return c.cur.Load().bus }

// newConn is a Conn over l.
func newConn(l *link) *Conn {
	c := &Conn{}
	c.cur.Store(l)
	return c
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
	c, err := whileReexec(ctx, func() (*Conn, error) { return connectPrivate(ctx, privateSocket, os.Getuid()) })
	if err == nil {
		return c, nil
	}
	bus, err2 := sdbus.NewSystemConnectionContext(ctx)
	if err2 == nil {
		return newConn(&link{bus: bus}), nil
	}
	return nil, fmt.Errorf("cannot connect to systemd (private socket: %v; system bus: %v): %w",
		err, err2, errdefs.ErrUnavailable)
}

// reexecWait bounds how long Connect waits for a manager that is
// re-executing to listen on its private socket again.
const reexecWait = 10 * time.Second

// whileReexec calls dial again while it fails because the manager's socket
// is there and nobody listens: the manager is re-executing (daemon-reexec)
// and listens again in a moment; up to reexecWait.
func whileReexec[T any](ctx context.Context, dial func() (T, error)) (T, error) {
	v, err := dial()
	for deadline := time.Now().Add(reexecWait); errors.Is(err, syscall.ECONNREFUSED) && time.Now().Before(deadline); {
		if serr := ctxsleep.Sleep(ctx, 20*time.Millisecond); serr != nil {
			return v, serr
		}
		v, err = dial()
	}
	return v, err
}

// privateSocket is the system manager's private socket.
const privateSocket = "/run/systemd/private"

// Close closes the connection.
func (c *Conn) Close() {
	c.bus().Close()
	c.fdMu.Lock()
	defer c.fdMu.Unlock()
	c.closed = true
	if c.fdLink != nil {
		c.fdLink.bus.Close()
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

// linkFor is the connection to ask for t: the one in use, or one that
// passes descriptors when t hands its commands one of the caller's.
func (c *Conn) linkFor(t Transient) (*link, error) {
	if c.dialFDs == nil || !t.passesFDs() {
		return c.cur.Load(), nil
	}
	return c.fdConn()
}

// fdConn is the connection that passes descriptors, made on first use and
// again once it was lost.
func (c *Conn) fdConn() (*link, error) {
	c.fdMu.Lock()
	defer c.fdMu.Unlock()
	if c.closed {
		return nil, errors.New("connection closed")
	}
	if c.fdLink == nil || isClosed(c.fdLink.lost) {
		l, err := c.dialFDs()
		if err != nil {
			return nil, err
		}
		c.fdLink = l
	}
	return c.fdLink, nil
}

// isClosed reports whether ch is closed; a nil ch never is.
func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
