package export

import (
	"encoding/json"
	"strconv"

	"github.com/podunit/podunit/engine/model"
)

// healthFlags are the --health-* flags that give cfg's check again, none
// for no check (or one still to be taken from the image, which create
// resolves); --no-healthcheck where it refused the image's.
func healthFlags(cfg *model.Config) []string {
	h := cfg.Health
	if cfg.NoHealthcheck {
		return []string{"--no-healthcheck"}
	}
	if h == nil || len(h.Test) == 0 {
		return nil
	}
	cmd := testFlag(h.Test)
	interval := "disable"
	if h.Interval > 0 {
		interval = h.Interval.String()
	}
	flags := []string{"--health-cmd", cmd, "--health-interval", interval,
		"--health-retries", strconv.FormatUint(uint64(h.Retries), 10),
		"--health-start-period", h.StartPeriod.String(), "--health-timeout", h.Timeout.String(),
		"--health-on-failure", h.OnFailure}
	return append(flags, health2Flags(h)...)
}

// testFlag is a check's --health-cmd value: the shell command, or the
// test as a JSON array.
func testFlag(test []string) string {
	if test[0] == "CMD-SHELL" && len(test) == 2 {
		return test[1]
	}
	b, _ := json.Marshal(test) // a []string always marshals
	return string(b)
}
