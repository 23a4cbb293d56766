package image

import (
	"encoding/json"
	"fmt"
	"time"
)

// Healthcheck is an image's HEALTHCHECK. Docker's image configuration
// carries it; OCI's has no such field, though some OCI images keep
// Docker's in their configuration all the same.
type Healthcheck struct {
	Test        []string      `json:"Test,omitempty"`
	Interval    time.Duration `json:"Interval,omitempty"`
	Timeout     time.Duration `json:"Timeout,omitempty"`
	StartPeriod time.Duration `json:"StartPeriod,omitempty"`
	Retries     int           `json:"Retries,omitempty"`
}

// rawHealthcheck is the part of an image's configuration blob (Docker's
// or OCI's) that holds the healthcheck.
type rawHealthcheck struct {
	Config struct {
		Healthcheck *Healthcheck `json:"Healthcheck"`
	} `json:"config"`
}

// parseHealthcheck reads the healthcheck of a configuration blob; none,
// an empty test and ["NONE"] are nil.
func parseHealthcheck(blob []byte) (*Healthcheck, error) {
	var raw rawHealthcheck
	if err := json.Unmarshal(blob, &raw); err != nil {
		return nil, fmt.Errorf("image configuration: %w", err)
	}
	h := raw.Config.Healthcheck
	if h == nil || len(h.Test) == 0 || h.Test[0] == "NONE" {
		return nil, nil
	}
	return h, nil
}
