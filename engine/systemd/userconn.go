package systemd

import (
	"context"
	"fmt"
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
	bus, err := sdbus.NewConnection(func() (*dbus.Conn, error) {
		conn, err := dbus.Dial("unix:path="+path, dbus.WithContext(ctx))
		if err != nil {
			return nil, err
		}
		if err := conn.Auth([]dbus.Auth{dbus.AuthExternal(strconv.Itoa(uid))}); err != nil {
			conn.Close()
			return nil, err
		}
		return conn, nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot connect to the systemd user manager of uid %d at %s: %w: %w",
			uid, path, err, errdefs.ErrUnavailable)
	}
	return &Conn{bus: bus}, nil
}
