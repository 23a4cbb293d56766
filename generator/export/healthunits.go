package export

import (
	"time"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/generator/unitfile"
)

// ContainerUnits are the units of container c: its service and, with a
// health check that runs on a timer, the check's timer and service (and
// a startup check's).
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
// timer: a check with an interval, or a startup check.
func hasHealthUnits(c *model.Container) bool {
	h := c.Config.Health
	return h != nil && len(h.Test) > 0 && (h.Interval > 0 || h.Startup != nil)
}

// healthTimerOf is the check timer c's unit wants: the startup check's,
// which hands over to the regular one, else the regular one
// (unitfile.HealthUnits; the engine finds them by those names and then
// starts no transient timer).
func healthTimerOf(c *model.Container) string {
	timer, _ := unitfile.HealthUnits(ContainerUnit(c.Name))
	if c.Config.Health.Startup != nil {
		timer, _ = unitfile.HealthStartupUnits(ContainerUnit(c.Name))
	}
	return timer
}

// healthUnits are c's check timers (OnActiveSec= and OnUnitInactiveSec=
// the interval; bound to and after the container's unit) and the oneshot
// services that run `podunit healthcheck run NAME`.
func healthUnits(c *model.Container, o Options) ([]Unit, error) {
	if !hasHealthUnits(c) {
		return nil, nil
	}
	run, err := o.command("healthcheck", "run", c.Name)
	if err != nil {
		return nil, err
	}
	unit, h := ContainerUnit(c.Name), c.Config.Health
	var out []Unit
	if h.Interval > 0 {
		timer, svc := unitfile.HealthUnits(unit)
		if out, err = healthPair(out, timer, svc, "podunit health check", c.Name, unit, h.Interval, run); err != nil {
			return nil, err
		}
	}
	if h.Startup != nil {
		timer, svc := unitfile.HealthStartupUnits(unit)
		return healthPair(out, timer, svc, "podunit startup health check", c.Name, unit, h.Startup.Interval, run)
	}
	return out, nil
}

// healthPair appends one check's timer and service to out.
func healthPair(out []Unit, timer, svc, what, name, unit string, every time.Duration, run string) ([]Unit, error) {
	tu, err := render(timer, unitfile.HealthTimer(what+" timer of container "+name, "", unit, unitfile.TimeSpan(every)))
	if err != nil {
		return nil, err
	}
	su, err := render(svc, unitfile.HealthService(what+" of container "+name, "", run))
	if err != nil {
		return nil, err
	}
	return append(out, tu, su), nil
}
