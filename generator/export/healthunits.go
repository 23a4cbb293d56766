package export

import (
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/generator/unitfile"
)

// ContainerUnits are the units of container c: its service and, with a
// health check that runs on a timer, the check's timer and service.
func ContainerUnits(c *model.Container, pod *model.Pod, o Options) ([]Unit, error) {
	return containerUnits(c, pod, o, nil)
}

// containerUnits is ContainerUnits, c's service started after the units after.
func containerUnits(c *model.Container, pod *model.Pod, o Options, after []string) ([]Unit, error) {
	u, err := container(c, pod, o, after)
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

// healthTimerOf is the name of c's generated check timer
// (unitfile.HealthUnits, which the engine finds by that name and then
// starts no transient timer).
func healthTimerOf(c *model.Container) string {
	timer, _ := unitfile.HealthUnits(ContainerUnit(c.Name))
	return timer
}

// healthUnits are c's check timer (OnActiveSec= and OnUnitInactiveSec=
// the interval; bound to and after the container's unit, which wants it)
// and the oneshot service that runs `podunit healthcheck run NAME`.
func healthUnits(c *model.Container, o Options) ([]Unit, error) {
	if !hasHealthUnits(c) {
		return nil, nil
	}
	unit := ContainerUnit(c.Name)
	timerName, svcName := unitfile.HealthUnits(unit)
	every := unitfile.TimeSpan(c.Config.Health.Interval)
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
	tu, err := render(timerName, timer)
	if err != nil {
		return nil, err
	}
	su, err := render(svcName, svc)
	return []Unit{tu, su}, err
}
