package export

import (
	"encoding/json"
	"strconv"

	"github.com/podunit/podunit/engine/model"
)

// healthFlags are the --health-* flags that give h again, none for nil.
func healthFlags(h *model.HealthConfig) []string {
	if h == nil {
		return nil
	}
	cmd := ""
	if h.Test[0] == "CMD-SHELL" && len(h.Test) == 2 {
		cmd = h.Test[1]
	} else {
		b, _ := json.Marshal(h.Test) // a []string always marshals
		cmd = string(b)
	}
	interval := "disable"
	if h.Interval > 0 {
		interval = h.Interval.String()
	}
	return []string{"--health-cmd", cmd, "--health-interval", interval,
		"--health-retries", strconv.FormatUint(uint64(h.Retries), 10),
		"--health-start-period", h.StartPeriod.String(), "--health-timeout", h.Timeout.String(),
		"--health-on-failure", h.OnFailure}
}
