package quadlet

import (
	"strings"
	"time"

	"github.com/podunit/podunit/generator/unitfile"
)

// Podman's (and engine's) check intervals.
const (
	defaultHealthInterval        = 30 * time.Second
	defaultHealthStartupInterval = 30 * time.Second
)

// Extra is a unit a source makes besides its service.
type Extra struct {
	Name string
	File *unitfile.File
}

// ctrHealthUnits makes the timer + oneshot service pairs that run the
// checks of a container, as unit files of their own, so that systemd owns
// them as it owns the container's unit: NAME-healthcheck.timer/.service
// for the regular check and, with HealthStartupCmd=,
// NAME-healthcheck-startup.timer/.service for the startup check. Each
// timer is bound to and after the container's service and its service
// runs `podunit healthcheck run NAME`. The container's service wants the
// timer that runs first (the startup one, else with HealthCmd= the regular
// one), so it starts once the service is active (Notify=healthy: once the
// first check passed) and stops with it. Without HealthCmd= but with
// another Health*= key the check is the image's, unknown
// here: the pair is made at the interval the file gives (else Podman's
// default) and not wanted; the container's start starts it when the
// container has a check at that interval (engine/healthtimer.go), else a
// transient one. A template's pairs are templates
// of the same instance (web-healthcheck@.timer for web@.container). None
// is made where checks are off (HealthCmd=none, Rootfs=) or where a
// specifier in the container's name names a unit in a way the check's
// service cannot resolve.
func (t *translator) ctrHealthUnits() {
	fromCmd, ok := t.healthCheckGiven()
	if !ok {
		return
	}
	name, ok := t.unitFreeObject()
	if !ok {
		return
	}
	exec, err := unitfile.ExecLine(append(t.cmd("healthcheck", "run"), name))
	if err != nil {
		return // the container's own ExecStart= says what is wrong
	}
	startupEvery, startup := t.healthStartupEvery()
	var extra []Extra
	if every, ok := t.healthEvery(); ok {
		timer, svc := unitfile.HealthUnits(t.id.Service)
		extra = append(extra, t.healthPair(timer, svc, "podunit health check", every, exec)...)
		if fromCmd && !startup {
			t.dep(t.instanceRef(timer), "Wants")
		}
	}
	if startup {
		timer, svc := unitfile.HealthStartupUnits(t.id.Service)
		extra = append(extra, t.healthPair(timer, svc, "podunit startup health check", startupEvery, exec)...)
		t.dep(t.instanceRef(timer), "Wants")
	}
	for _, x := range extra {
		if unitfile.UnitName(x.Name) != nil {
			return
		}
	}
	t.extra = append(t.extra, extra...)
}

// healthPair is a check's timer and service.
func (t *translator) healthPair(timer, svc, what, every, exec string) []Extra {
	src, unit := strings.ReplaceAll(t.src.Path, "%", "%%"), t.instanceRef(t.id.Service)
	return []Extra{
		{Name: timer, File: unitfile.HealthTimer(what+" timer of "+unit, src, unit, every)},
		{Name: svc, File: unitfile.HealthService(what+" of "+unit, src, exec)},
	}
}

// instanceRef is unit as a template names its own instance of it
// (web@.service: web@%i.service); other units' names stay.
func (t *translator) instanceRef(unit string) string {
	if !t.id.Template() {
		return unit
	}
	return strings.Replace(unit, "@.", "@%i.", 1)
}

// healthCheckGiven says whether the container has a check (false:
// HealthCmd=none, PodmanArgs=--no-healthcheck, no image, or no word of a
// check in the file) and whether HealthCmd= gives it (else it is the
// image's).
func (t *translator) healthCheckGiven() (fromCmd, ok bool) {
	if cmd, given := t.last("HealthCmd"); given {
		v := strings.TrimSpace(cmd.Value)
		off := strings.EqualFold(v, "none") || strings.HasPrefix(strings.ReplaceAll(v, " ", ""), `["NONE"`)
		return true, !off
	}
	if _, image := t.last("Image"); !image || !t.healthHinted() {
		return false, false
	}
	for _, e := range t.all("PodmanArgs") {
		if strings.Contains(e.Value, "--no-healthcheck") {
			return false, false
		}
	}
	return false, true
}

// healthEvery is the regular check's interval as a systemd time span;
// false for HealthInterval=disable (no timer) or a value podunit run
// refuses.
func (t *translator) healthEvery() (string, bool) {
	return t.interval("HealthInterval", defaultHealthInterval)
}

// healthStartupEvery is the startup check's interval; false without one.
func (t *translator) healthStartupEvery() (string, bool) {
	if _, ok := t.last("HealthStartupCmd"); !ok {
		return "", false
	}
	return t.interval("HealthStartupInterval", defaultHealthStartupInterval)
}

func (t *translator) interval(key string, def time.Duration) (string, bool) {
	every := def
	if e, ok := t.last(key); ok {
		d, err := time.ParseDuration(e.Value)
		if err != nil || d < time.Second { // disable, or what podunit run refuses
			return "", false
		}
		every = d
	}
	return unitfile.TimeSpan(every), true
}

// unitFreeObject is the container's name as the check's service must
// write it: specifiers that name the unit resolved to the container's
// service, since in the check's service (NAME-healthcheck[@INST].service)
// they would name that one. The instance (%i, %I, and %f of an instance)
// is the same in both and stays. false where one cannot be resolved
// (%f of a unit without an instance, %P or %J of an escaped name).
func (t *translator) unitFreeObject() (unitfile.Arg, bool) {
	o := t.id.Object
	if !o.Spec || !strings.Contains(o.Text, "%") {
		return o, true
	}
	var b strings.Builder
	for i := 0; i < len(o.Text); i++ {
		c := o.Text[i]
		if c != '%' || i+1 == len(o.Text) {
			b.WriteByte(c)
			continue
		}
		i++
		v, ok := t.unitSpecifier(o.Text[i])
		if !ok {
			return o, false
		}
		b.WriteString(v)
	}
	return unitfile.Arg{Text: b.String(), Spec: true}, true
}

// unitSpecifier is what specifier s means in the container's service,
// written so that it means the same in the check's service.
func (t *translator) unitSpecifier(s byte) (string, bool) {
	full := strings.TrimSuffix(t.instanceRef(t.id.Service), ".service") // web, web@a, web@%i
	prefix, _, instanced := strings.Cut(full, "@")
	j := prefix[strings.LastIndexByte(prefix, '-')+1:]
	escaped := strings.Contains(prefix, `\`)
	switch s {
	case 'N':
		return full, true
	case 'n':
		return full + ".service", true
	case 'p':
		return prefix, true
	case 'j':
		return j, true
	case 'P':
		return strings.ReplaceAll(prefix, "-", "/"), !escaped
	case 'J':
		return j, !escaped
	case 'f':
		return "%f", instanced
	}
	return "%" + string(s), true
}

// healthHinted says whether a file without HealthCmd= expects the image's
// check: it sets another Health*= key. A file without one is not given units for a check that most images do not have
// (every container would carry an idle timer); its container's start makes
// a transient one if its image has a check.
func (t *translator) healthHinted() bool {
	for _, e := range t.sec.Entries {
		if strings.HasPrefix(e.Key, "Health") {
			return true
		}
	}
	return false
}
