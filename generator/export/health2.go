package export

import (
	"strconv"

	"github.com/podunit/podunit/engine/model"
)

// health2Flags are the startup check and health log flags that give h's
// again; the log flags only where they are not the defaults.
func health2Flags(h *model.HealthConfig) []string {
	var flags []string
	if s := h.Startup; s != nil {
		flags = append(flags, "--health-startup-cmd", testFlag(s.Test),
			"--health-startup-interval", s.Interval.String(),
			"--health-startup-retries", strconv.FormatUint(uint64(s.Retries), 10),
			"--health-startup-success", strconv.FormatUint(uint64(s.Successes), 10),
			"--health-startup-timeout", s.Timeout.String())
	}
	if l := h.Log; l != nil {
		flags = append(flags, "--health-log-destination", l.Destination,
			"--health-max-log-count", strconv.FormatUint(uint64(l.MaxCount), 10),
			"--health-max-log-size", strconv.FormatUint(uint64(l.MaxSize), 10))
	}
	return flags
}
