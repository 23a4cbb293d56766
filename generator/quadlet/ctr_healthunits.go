package quadlet

import (
	"strings"
	"time"

	"github.com/podunit/podunit/generator/unitfile"
)

// defaultHealthInterval is Podman's (and engine's) check interval.
const defaultHealthInterval = 30 * time.Second

// Extra is a unit a source makes besides its service.
type Extra struct {
	Name string
	File *unitfile.File
}

// ctrHealthUnits makes the timer + oneshot service pair that runs the
// check of a container whose HealthCmd= gives one, as unit files of its
// own, so that systemd owns them as it owns the container's unit: the
// container's service wants the timer, which starts once the service is
// active (Notify=healthy: once the first check passed) and stops with it
// (BindsTo=). The service runs `podunit healthcheck run NAME` and exits.
// Where the pair cannot be a plain file (templates, a name whose
// specifiers depend on the unit, HealthInterval=disable, a startup check,
// which hands over to the regular timer at run time) none is made and the
// container's start makes a transient one, as for `run -d`.
func (t *translator) ctrHealthUnits() {
	every, ok := t.healthEvery()
	if !ok || t.id.Template() || t.id.Instance() {
		return
	}
	if _, startup := t.last("HealthStartupCmd"); startup {
		return
	}
	name, ok := t.unitFreeObject()
	timer, service := unitfile.HealthUnits(t.id.Service) // the engine finds the timer by that name
	if !ok || unitfile.UnitName(service) != nil {
		return
	}
	svc, err := t.healthService(name)
	if err != nil {
		return // the container's own ExecStart= says what is wrong
	}
	t.dep(timer, "Wants")
	t.extra = append(t.extra, Extra{Name: timer, File: t.healthTimer(every)}, Extra{Name: service, File: svc})
}

// healthEvery is the check's interval as a systemd time span; false
// without a check or without a timer.
func (t *translator) healthEvery() (string, bool) {
	cmd, ok := t.last("HealthCmd")
	if v := strings.TrimSpace(cmd.Value); !ok || strings.EqualFold(v, "none") || strings.HasPrefix(strings.ReplaceAll(v, " ", ""), `["NONE"`) {
		return "", false
	}
	every := defaultHealthInterval
	if e, ok := t.last("HealthInterval"); ok {
		d, err := time.ParseDuration(e.Value)
		if err != nil || d < time.Second { // disable, or what podunit run refuses
			return "", false
		}
		every = d
	}
	return unitfile.TimeSpan(every), true
}

// healthTimer is the check's timer: it fires an interval after it starts
// and an interval after each check ends, so checks never overlap.
func (t *translator) healthTimer(every string) *unitfile.File {
	f := &unitfile.File{}
	f.Add("Unit", "Description", "podunit health check timer of "+t.id.Service)
	f.Add("Unit", "SourcePath", strings.ReplaceAll(t.src.Path, "%", "%%"))
	f.Add("Unit", "BindsTo", t.id.Service)
	f.Add("Unit", "After", t.id.Service)
	f.Add("Timer", "OnActiveSec", every)
	f.Add("Timer", "OnUnitInactiveSec", every)
	f.Add("Timer", "AccuracySec", "1s")
	return f
}

// healthService is the oneshot service that runs one check.
func (t *translator) healthService(name unitfile.Arg) (*unitfile.File, error) {
	line, err := unitfile.ExecLine(append(t.cmd("healthcheck", "run"), name))
	if err != nil {
		return nil, err
	}
	f := &unitfile.File{}
	f.Add("Unit", "Description", "podunit health check of "+t.id.Service)
	f.Add("Unit", "SourcePath", strings.ReplaceAll(t.src.Path, "%", "%%"))
	f.Add("Service", "Type", "oneshot")
	f.Add("Service", "ExecStart", line)
	return f, nil
}

// unitFreeObject is the container's name as the check's service must
// write it: specifiers that name the unit (%n, %N, %p) resolved to the
// container's service, since in the check's service they would name that
// one; false where others that do (%P, %j, %J, %f, %i, %I) appear.
func (t *translator) unitFreeObject() (unitfile.Arg, bool) {
	o := t.id.Object
	if !o.Spec || !strings.Contains(o.Text, "%") {
		return o, true
	}
	base := strings.TrimSuffix(t.id.Service, ".service")
	var b strings.Builder
	for i := 0; i < len(o.Text); i++ {
		c := o.Text[i]
		if c != '%' || i+1 == len(o.Text) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s := o.Text[i]; s {
		case 'N', 'p':
			b.WriteString(base)
		case 'n':
			b.WriteString(t.id.Service)
		case 'P', 'j', 'J', 'f', 'i', 'I':
			return o, false
		default:
			b.WriteByte('%')
			b.WriteByte(s)
		}
	}
	return unitfile.Arg{Text: b.String(), Spec: true}, true
}
