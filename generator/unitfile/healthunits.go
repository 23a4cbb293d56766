package unitfile

import (
	"strconv"
	"strings"
	"time"
)

// HealthUnitSuffix names the generated health check units of a container
// unit: NAME.service runs its checks from NAME-healthcheck.timer and its
// NAME-healthcheck.service, and a startup check from
// NAME-healthcheck-startup.timer and .service (Quadlet files and generate
// systemd alike). engine/healthtimer.go mirrors it to find the timers.
const HealthUnitSuffix = "-healthcheck"

// HealthStartupSuffix names the startup check's units (HealthUnitSuffix).
const HealthStartupSuffix = HealthUnitSuffix + "-startup"

// HealthUnits are the check timer and service names of service unit. The
// suffix goes before an @, so a template's (web@.service) are templates
// too (web-healthcheck@.timer) and an instance's (web@a.service) are the
// same instance of them (web-healthcheck@a.timer).
func HealthUnits(unit string) (timer, service string) { return healthUnits(unit, HealthUnitSuffix) }

// HealthStartupUnits are the startup check's timer and service names.
func HealthStartupUnits(unit string) (timer, service string) {
	return healthUnits(unit, HealthStartupSuffix)
}

func healthUnits(unit, suffix string) (timer, service string) {
	prefix, inst, at := strings.Cut(strings.TrimSuffix(unit, ".service"), "@")
	name := prefix + suffix
	if at {
		name += "@" + inst
	}
	return name + ".timer", name + ".service"
}

// HealthTimer is a check timer bound to and after unit: it fires every
// after it starts and every after each check ends, so checks never
// overlap. source, if not "", is its SourcePath=.
func HealthTimer(description, source, unit, every string) *File {
	f := &File{}
	f.Add("Unit", "Description", description)
	if source != "" {
		f.Add("Unit", "SourcePath", source)
	}
	f.Add("Unit", "BindsTo", unit)
	f.Add("Unit", "After", unit)
	f.Add("Timer", "OnActiveSec", every)
	f.Add("Timer", "OnUnitInactiveSec", every)
	f.Add("Timer", "AccuracySec", "1s")
	return f
}

// HealthService is the oneshot service that runs one check (exec: an
// ExecStart= line, `podunit healthcheck run NAME`).
func HealthService(description, source, exec string) *File {
	f := &File{}
	f.Add("Unit", "Description", description)
	if source != "" {
		f.Add("Unit", "SourcePath", source)
	}
	// every start is its timer's, counted by systemd's start rate limit
	// (5 in 10 s), which would end a short interval's checks for good
	f.Add("Unit", "StartLimitIntervalSec", "0")
	f.Add("Service", "Type", "oneshot")
	f.Add("Service", "ExecStart", exec)
	return f
}

// TimeSpan writes d as a systemd time span: whole seconds, else ms.
func TimeSpan(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
}
