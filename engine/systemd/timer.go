package systemd

import (
	"context"
	"fmt"
	"strings"
	"time"

	sdbus "github.com/coreos/go-systemd/v22/dbus"

	"github.com/podunit/podunit/engine/errdefs"
)

// Timer is a transient timer and the oneshot service it runs, made in one
// call (the service as an auxiliary unit), as systemd-run --on-active does.
type Timer struct {
	Name        string   // "x.timer"; the service is "x.service"
	Description string   // of both
	ExecStart   []string // the service's argv
	// Every: the service runs this long after the timer starts and after
	// each run ends (OnActiveSec= and OnUnitInactiveSec=), so runs never
	// overlap and nothing waits in between.
	Every time.Duration
}

// monotonic is one entry of TimersMonotonic, D-Bus (st).
type monotonic struct {
	Base string
	USec uint64
}

// StartTimer creates the timer and its service and starts the timer. A
// timer of that name that is loaded already is errdefs.ErrAlreadyExists.
func (c *Conn) StartTimer(ctx context.Context, t Timer) error {
	if !strings.HasSuffix(t.Name, ".timer") || len(t.ExecStart) == 0 || t.Every <= 0 {
		return fmt.Errorf("transient timer %q: a .timer name, ExecStart and an interval are required: %w", t.Name, errdefs.ErrInvalidArgument)
	}
	service := strings.TrimSuffix(t.Name, ".timer") + ".service"
	timer := propList{}
	timer.add("Description", t.Description, t.Description != "")
	timer.add("TimersMonotonic", []monotonic{{"OnActiveSec", usec(t.Every)}, {"OnUnitInactiveSec", usec(t.Every)}}, true)
	timer.add("AccuracyUSec", usec(time.Second), true)
	timer.add("RemainAfterElapse", false, true)
	timer.add("CollectMode", "inactive-or-failed", true)
	svc, err := Transient{Name: service, Description: t.Description, Type: "oneshot", ExecStart: t.ExecStart,
		CollectMode: "inactive-or-failed", // a failed check must not keep it loaded
		// each start is the timer's: systemd's start rate limit (5 in 10 s)
		// counts them, and would end a short interval's runs for good
		NoStartLimit: true,
	}.properties()
	if err != nil {
		return err
	}
	aux := []sdbus.PropertyCollection{{Name: service, Properties: svc}}
	return c.runJob(ctx, "start transient", t.Name, func(ctx context.Context, ch chan<- string) (int, error) {
		return c.bus().StartTransientUnitAux(ctx, t.Name, "fail", timer, aux, ch)
	})
}

// StopTimer stops a timer and its service; systemd then unloads both
// (transient units are collected once inactive). A timer that is not
// loaded is no error.
func (c *Conn) StopTimer(ctx context.Context, name string) error {
	service := strings.TrimSuffix(name, ".timer") + ".service"
	var first error
	for _, u := range []string{name, service} {
		if err := c.Stop(ctx, u); err != nil && !errdefs.IsNotFound(err) && first == nil {
			first = err
		}
	}
	return first
}
