package systemd

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/godbus/dbus/v5"

	"github.com/podunit/podunit/engine/errdefs"
)

// errorClasses maps the D-Bus error names systemd replies with to errdefs.
var errorClasses = map[string]error{
	"org.freedesktop.systemd1.NoSuchUnit":                 errdefs.ErrNotFound,
	"org.freedesktop.DBus.Error.UnknownObject":            errdefs.ErrNotFound,
	"org.freedesktop.systemd1.UnitExists":                 errdefs.ErrAlreadyExists,
	"org.freedesktop.systemd1.UnitMasked":                 errdefs.ErrConflict,
	"org.freedesktop.systemd1.NoSuchProcess":              errdefs.ErrConflict,
	"org.freedesktop.systemd1.JobTypeNotApplicable":       errdefs.ErrConflict,
	"org.freedesktop.systemd1.TransactionIsDestructive":   errdefs.ErrConflict,
	"org.freedesktop.systemd1.TransactionJobsConflicting": errdefs.ErrConflict,
	"org.freedesktop.systemd1.OnlyByDependency":           errdefs.ErrConflict,
	"org.freedesktop.systemd1.LoadFailed":                 errdefs.ErrInvalidArgument,
	"org.freedesktop.systemd1.BadUnitSetting":             errdefs.ErrInvalidArgument,
	"org.freedesktop.DBus.Error.InvalidArgs":              errdefs.ErrInvalidArgument,
	"org.freedesktop.DBus.Error.PropertyReadOnly":         errdefs.ErrInvalidArgument,
	"org.freedesktop.DBus.Error.NotSupported":             errdefs.ErrNotImplemented,
	"org.freedesktop.DBus.Error.Disconnected":             errdefs.ErrUnavailable,
	"org.freedesktop.DBus.Error.NoReply":                  errdefs.ErrUnavailable,
}

// classify returns the errdefs class of an error from a D-Bus call, or nil.
func classify(err error) error {
	var de dbus.Error
	if errors.As(err, &de) {
		return errorClasses[de.Name]
	}
	var dep *dbus.Error
	if errors.As(err, &dep) {
		return errorClasses[dep.Name]
	}
	if errors.Is(err, dbus.ErrClosed) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) {
		return errdefs.ErrUnavailable // the manager went away (re-executed, or died)
	}
	return nil
}

// wrap names the operation and unit and adds the errdefs class of err.
func wrap(op, unit string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s unit %s: %w", op, unit, err)
	}
	if class := classify(err); class != nil {
		return fmt.Errorf("%s unit %s: %w: %w", op, unit, class, err)
	}
	return fmt.Errorf("%s unit %s: %w", op, unit, err)
}
