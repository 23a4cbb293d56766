package systemd

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestWrapClassifies(t *testing.T) {
	cases := []struct {
		err   error
		class error
	}{
		{dbus.Error{Name: "org.freedesktop.systemd1.NoSuchUnit", Body: []any{"Unit a.service not loaded."}}, errdefs.ErrNotFound},
		{&dbus.Error{Name: "org.freedesktop.systemd1.UnitExists"}, errdefs.ErrAlreadyExists},
		{dbus.Error{Name: "org.freedesktop.DBus.Error.InvalidArgs"}, errdefs.ErrInvalidArgument},
		{dbus.ErrClosed, errdefs.ErrUnavailable},
		{&net.OpError{Op: "write", Net: "unix", Err: os.NewSyscallError("write", syscall.EPIPE)}, errdefs.ErrUnavailable},
		{&net.OpError{Op: "read", Net: "unix", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, errdefs.ErrUnavailable},
	}
	for _, c := range cases {
		err := wrap("stop", "a.service", c.err)
		if !errors.Is(err, c.class) || !strings.Contains(err.Error(), "a.service") {
			t.Errorf("%v: got %v, want class %v", c.err, err, c.class)
		}
	}
	if err := wrap("stop", "a.service", context.Canceled); !errors.Is(err, context.Canceled) {
		t.Errorf("context error lost: %v", err)
	}
	if wrap("stop", "a.service", nil) != nil {
		t.Error("nil wrapped")
	}
}

func TestJobResult(t *testing.T) {
	if err := jobResult("start", "a.service", "done"); err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"failed", "timeout", "canceled", "dependency", "skipped"} {
		err := jobResult("start", "a.service", r)
		if err == nil || !strings.Contains(err.Error(), "a.service") || !strings.Contains(err.Error(), r) {
			t.Errorf("%s: %v", r, err)
		}
	}
}
