package systemd

import (
	"context"
	"fmt"
	"strings"
	"time"

	sdbus "github.com/coreos/go-systemd/v22/dbus"
	"github.com/godbus/dbus/v5"

	"github.com/podunit/podunit/engine/errdefs"
)

// Transient describes a transient service unit. Zero fields are left to
// systemd's defaults.
type Transient struct {
	Name        string // required, with its suffix: "podunit-web.service"
	Description string

	ExecStart    []string   // argv, ExecStart[0] absolute; required but in a oneshot with ExecStop
	ExecStop     [][]string // argv lists, run in order to stop the service
	ExecStopPost [][]string // argv lists, run in order after the service stopped
	Environment  []string   // "KEY=value"

	Type         string // "notify", "simple", "oneshot", ...
	NotifyAccess string // "all", "main", "exec", "none"
	Delegate     bool   // hand the unit's cgroup subtree to the service
	KillMode     string // "mixed", "control-group", "process", "none"
	KillSignal   int    // 0: SIGTERM

	TimeoutStartSec time.Duration
	TimeoutStopSec  time.Duration

	// SuccessSignals are signals that end the main process cleanly
	// (SuccessExitStatus=); RestartSignals force a restart when they end it
	// (RestartForceExitStatus=), and NoRestartSignals prevent one
	// (RestartPreventExitStatus=).
	SuccessSignals, RestartSignals, NoRestartSignals []int32

	Restart    string // "no", "on-failure", "always", ...
	RestartSec time.Duration
	// NoStartLimit turns systemd's start rate limit off
	// (StartLimitIntervalSec=0): every start of a unit that systemd does
	// not restart by itself is a caller's own, and none may be refused
	// because a unit kept loaded was started often before.
	NoStartLimit bool

	SyslogIdentifier string
	Slice            string // e.g. "machine.slice"
	CollectMode      string // "inactive-or-failed": failed units do not linger
	RemainAfterExit  bool

	// Dependencies, by unit name: a pod member BindsTo= and After= its pod.
	After, Before, BindsTo, Wants []string
	// Properties are set as given (resource limits of a slice, say).
	Properties []Property
}

// execCommand is one entry of an Exec*= property, D-Bus type (sasb). The
// boolean is systemd's "ignore failure" (the "-" prefix); go-systemd calls it
// UncleanIsFailure, which reads the other way round.
type execCommand struct {
	Path          string
	Argv          []string
	IgnoreFailure bool
}

// StartTransient creates the transient unit and starts it (job mode "fail"),
// waiting for the start job: for Type=notify, until READY=1 arrives or the
// start fails. The aux units are created in the same call, unstarted: t
// pulls them in (a Slice= it names, say) in its own start's transaction.
// A unit of t's or an aux unit's name that is loaded already is
// errdefs.ErrAlreadyExists, and then nothing is made.
func (c *Conn) StartTransient(ctx context.Context, t Transient, aux ...Transient) error {
	j, err := c.QueueTransient(ctx, t, aux...)
	if err != nil {
		return err
	}
	return j.Wait(ctx)
}

// QueueTransient is StartTransient without the wait: it returns once
// systemd has made the units and enqueued t's start job.
func (c *Conn) QueueTransient(ctx context.Context, t Transient, aux ...Transient) (*Job, error) {
	props, err := t.properties()
	if err != nil {
		return nil, err
	}
	auxProps := make([]sdbus.PropertyCollection, len(aux))
	for i, a := range aux {
		if auxProps[i].Properties, err = a.properties(); err != nil {
			return nil, err
		}
		auxProps[i].Name = a.Name
	}
	l, err := c.linkFor(t)
	if err != nil {
		return nil, wrap("start transient", t.Name, err)
	}
	return c.queueJobOn(ctx, l, "start transient", t.Name, func(ctx context.Context, ch chan<- string) (int, error) {
		return l.bus.StartTransientUnitAux(ctx, t.Name, "fail", props, auxProps, ch)
	})
}

// properties validates t and turns its set fields into unit properties.
func (t Transient) properties() ([]sdbus.Property, error) {
	// systemd's rule: a service runs ExecStart=, or is a oneshot that has
	// only ExecStop= (a unit that holds a state, nothing running)
	service := strings.HasSuffix(t.Name, ".service")
	stopOnly := len(t.ExecStart) == 0 && t.Type == "oneshot" && len(t.ExecStop) > 0
	if t.Name == "" || service && !stopOnly && (len(t.ExecStart) == 0 || t.ExecStart[0] == "") {
		return nil, fmt.Errorf("transient unit %q: a name and ExecStart (or, for a oneshot, ExecStop) are required: %w",
			t.Name, errdefs.ErrInvalidArgument)
	}
	for _, argv := range append(append([][]string{}, t.ExecStop...), t.ExecStopPost...) {
		if len(argv) == 0 || argv[0] == "" {
			return nil, fmt.Errorf("transient unit %s: empty ExecStop or ExecStopPost command: %w", t.Name, errdefs.ErrInvalidArgument)
		}
	}
	p := propList{}
	p.add("Description", t.Description, t.Description != "")
	if len(t.ExecStart) > 0 { // a slice has none
		p.add("ExecStart", execCommands([][]string{t.ExecStart}), true)
	}
	p.add("ExecStop", execCommands(t.ExecStop), len(t.ExecStop) > 0)
	p.add("ExecStopPost", execCommands(t.ExecStopPost), len(t.ExecStopPost) > 0)
	p.add("Environment", t.Environment, len(t.Environment) > 0)
	p.add("Type", t.Type, t.Type != "")
	p.add("NotifyAccess", t.NotifyAccess, t.NotifyAccess != "")
	p.add("Delegate", t.Delegate, t.Delegate)
	p.add("KillMode", t.KillMode, t.KillMode != "")
	p.add("KillSignal", int32(t.KillSignal), t.KillSignal != 0)
	p.add("TimeoutStartUSec", usec(t.TimeoutStartSec), t.TimeoutStartSec > 0)
	p.add("TimeoutStopUSec", usec(t.TimeoutStopSec), t.TimeoutStopSec > 0)
	p.add("Restart", t.Restart, t.Restart != "")
	p.add("SuccessExitStatus", exitStatus{Signals: t.SuccessSignals}, len(t.SuccessSignals) > 0)
	p.add("RestartForceExitStatus", exitStatus{Signals: t.RestartSignals}, len(t.RestartSignals) > 0)
	p.add("RestartPreventExitStatus", exitStatus{Signals: t.NoRestartSignals}, len(t.NoRestartSignals) > 0)
	p.add("RestartUSec", usec(t.RestartSec), t.RestartSec > 0)
	p.add("StartLimitIntervalUSec", uint64(0), t.NoStartLimit)
	p.add("SyslogIdentifier", t.SyslogIdentifier, t.SyslogIdentifier != "")
	p.add("Slice", t.Slice, t.Slice != "")
	p.add("CollectMode", t.CollectMode, t.CollectMode != "")
	p.add("RemainAfterExit", t.RemainAfterExit, t.RemainAfterExit)
	p.add("After", t.After, len(t.After) > 0)
	p.add("Before", t.Before, len(t.Before) > 0)
	p.add("BindsTo", t.BindsTo, len(t.BindsTo) > 0)
	p.add("Wants", t.Wants, len(t.Wants) > 0)
	for _, prop := range t.Properties {
		p.add(prop.Name, prop.Value, true)
	}
	return p, nil
}

// propList collects unit properties.
type propList []sdbus.Property

// add appends the property when set is true.
func (p *propList) add(name string, value any, set bool) {
	if set {
		*p = append(*p, sdbus.Property{Name: name, Value: dbus.MakeVariant(value)})
	}
}

// exitStatus is the D-Bus form (aiai) of SuccessExitStatus= and its kin:
// exit codes, then signal numbers.
type exitStatus struct {
	Codes   []int32
	Signals []int32
}

// execCommands converts argv lists into an Exec*= property value.
func execCommands(argvs [][]string) []execCommand {
	cmds := make([]execCommand, 0, len(argvs))
	for _, argv := range argvs {
		cmds = append(cmds, execCommand{Path: argv[0], Argv: argv})
	}
	return cmds
}

// usec converts a duration to systemd's microseconds (D-Bus type t).
func usec(d time.Duration) uint64 { return uint64(d / time.Microsecond) }
