package export

import (
	"strconv"
	"time"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/generator/unitfile"
)

// healthSuffix names a container unit's check units, as the Quadlet
// generator's: UNIT.service runs its checks from UNIT-healthcheck.timer
// and UNIT-healthcheck.service, which the engine finds by that name (and
// then starts no transient timer).
const healthSuffix = "-healthcheck"

// ContainerUnits are the units of container c: its service and, with a
// health check that runs on a timer, the check's timer and service.
func ContainerUnits(c *model.Container, pod *model.Pod, o Options) ([]Unit, error) {
	u, err := Container(c, pod, o)
	if err != nil {
		return nil, err
	}
	hu, err := healthUnits(c, o)
	return append([]Unit{u}, hu...), err
}

// hasHealthUnits reports whether c's unit comes with a generated check
// timer: a check with an interval and no startup check (whose timer hands
// over to the regular one at run time, so both stay transient).
func hasHealthUnits(c *model.Container) bool {
	h := c.Config.Health
	return h != nil && len(h.Test) > 0 && h.Interval > 0 && h.Startup == nil
}

// healthTimerOf is the name of c's generated check timer.
func healthTimerOf(c *model.Container) string {
	return unitBase(ContainerUnit(c.Name)) + healthSuffix + ".timer"
}

// healthUnits are c's check timer (OnActiveSec= and OnUnitInactiveSec=
// the interval; bound to and after the container's unit, which wants it)
// and the oneshot service that runs `podunit healthcheck run NAME`.
func healthUnits(c *model.Container, o Options) ([]Unit, error) {
	if !hasHealthUnits(c) {
		return nil, nil
	}
	unit := ContainerUnit(c.Name)
	base := unitBase(unit) + healthSuffix
	every := timeSpan(c.Config.Health.Interval)
	timer := &unitfile.File{}
	timer.Add("Unit", "Description", "podunit health check timer of container "+c.Name)
	timer.Add("Unit", "BindsTo", unit)
	timer.Add("Unit", "After", unit)
	timer.Add("Timer", "OnActiveSec", every)
	timer.Add("Timer", "OnUnitInactiveSec", every)
	timer.Add("Timer", "AccuracySec", "1s")
	run, err := o.command("healthcheck", "run", c.Name)
	if err != nil {
		return nil, err
	}
	svc := &unitfile.File{}
	svc.Add("Unit", "Description", "podunit health check of container "+c.Name)
	svc.Add("Service", "Type", "oneshot")
	svc.Add("Service", "ExecStart", run)
	tu, err := render(base+".timer", timer)
	if err != nil {
		return nil, err
	}
	su, err := render(base+".service", svc)
	return []Unit{tu, su}, err
}

// unitBase is a unit's name without its type suffix.
func unitBase(unit string) string { return unit[:len(unit)-len(".service")] }

// timeSpan writes d as a systemd time span: whole seconds, else ms.
func timeSpan(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
}
