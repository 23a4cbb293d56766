package systemd

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strconv"

	sdbus "github.com/coreos/go-systemd/v22/dbus"
	"github.com/godbus/dbus/v5"

	"github.com/podunit/podunit/engine/errdefs"
)

// ConnectUser connects to the systemd user manager of the user with uid
// over its private socket in runtimeDir ($XDG_RUNTIME_DIR). EXTERNAL auth
// names uid itself: in a rootless podunit's user namespace getuid() is 0,
// which the kernel's peer credentials (the user outside) would contradict.
func ConnectUser(ctx context.Context, runtimeDir string, uid int) (*Conn, error) {
	path := filepath.Join(runtimeDir, "systemd", "private")
	c, err := whileReexec(ctx, func() (*Conn, error) { return connectPrivate(ctx, path, uid) })
	if err != nil {
		return nil, fmt.Errorf("cannot connect to the systemd user manager of uid %d at %s: %w: %w",
			uid, path, err, errdefs.ErrUnavailable)
	}
	return c, nil
}

// connectPrivate connects to the service manager's private socket at path
// as uid, through a signalFilter; a connection that passes descriptors is
// made when one is needed, and one like the first where it was lost.
func connectPrivate(ctx context.Context, path string, uid int) (*Conn, error) {
	var filter *signalFilter
	l, err := dialPrivate(uid, func() (*dbus.Conn, error) {
		sock, err := (&net.Dialer{}).DialContext(ctx, "unix", path)
		if err != nil {
			return nil, err
		}
		filter = newSignalFilter(sock)
		c, err := dbus.NewConn(filter, dbus.WithContext(ctx))
		if err != nil {
			sock.Close()
		}
		return c, err
	})
	if err != nil {
		return nil, err
	}
	c := newConn(l)
	c.filter = filter
	c.dialFDs = func() (*link, error) {
		return whileReexec(ctx, func() (*link, error) {
			return dialPrivate(uid, func() (*dbus.Conn, error) {
				return dbus.Dial("unix:path="+path, dbus.WithContext(ctx))
			})
		})
	}
	c.redial = func(ctx context.Context) (*link, error) {
		// the new connection outlives the deadline of the wait that made it
		n, err := connectPrivate(context.WithoutCancel(ctx), path, uid)
		if err != nil {
			return nil, err
		}
		return n.cur.Load(), nil
	}
	return c, nil
}

// dialPrivate is a go-systemd connection over the one open makes to a
// private socket, authenticated as uid (privateBus), and the end of it.
func dialPrivate(uid int, open func() (*dbus.Conn, error)) (*link, error) {
	var raw *dbus.Conn
	bus, err := sdbus.NewConnection(privateBus(uid, func() (*dbus.Conn, error) {
		c, err := open()
		raw = c
		return c, err
	}))
	if err != nil {
		return nil, err
	}
	return &link{bus: bus, lost: raw.Context().Done()}, nil
}

// privateBus authenticates the connection open makes to a service
// manager's private socket, once, as uid, and hands go-systemd that one
// connection for both its method calls and its signals. go-systemd would
// dial twice: a second connect and authentication for every command, and a
// manager that sends every unit's signals down both.
func privateBus(uid int, open func() (*dbus.Conn, error)) func() (*dbus.Conn, error) {
	var conn *dbus.Conn
	return func() (*dbus.Conn, error) {
		if conn != nil {
			return conn, nil
		}
		c, err := open()
		if err != nil {
			return nil, err
		}
		if err := c.Auth([]dbus.Auth{dbus.AuthExternal(strconv.Itoa(uid))}); err != nil {
			c.Close()
			return nil, err
		}
		conn = c
		return c, nil
	}
}
