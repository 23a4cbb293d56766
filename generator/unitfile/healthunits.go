package unitfile

import (
	"strconv"
	"strings"
	"time"
)

// HealthUnitSuffix names the generated health check units of a container
// unit: NAME.service runs its checks from NAME-healthcheck.timer and its
// NAME-healthcheck.service (Quadlet files and generate systemd alike).
// engine/healthtimer.go mirrors it to find the timer.
const HealthUnitSuffix = "-healthcheck"

// HealthUnits are the check timer and service names of service unit.
func HealthUnits(unit string) (timer, service string) {
	base := strings.TrimSuffix(unit, ".service") + HealthUnitSuffix
	return base + ".timer", base + ".service"
}

// TimeSpan writes d as a systemd time span: whole seconds, else ms.
func TimeSpan(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
}
