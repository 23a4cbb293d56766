package systemd

import (
	"context"
	"strings"
	"time"
)

// TimerInterval is how long a loaded timer waits after its unit last ran
// (OnUnitInactiveSec=), as its TimersMonotonic property says; 0 if it
// sets none.
func (c *Conn) TimerInterval(ctx context.Context, timer string) (time.Duration, error) {
	p, err := c.bus().GetUnitTypePropertyContext(ctx, timer, "Timer", "TimersMonotonic")
	if err != nil {
		return 0, wrap("TimersMonotonic of", timer, err)
	}
	return unitInactiveSpan(p.Value.Value()), nil
}

// unitInactiveSpan picks OnUnitInactiveUSec out of a TimersMonotonic
// value, D-Bus a(stt): base, span in µs, next elapse.
func unitInactiveSpan(v any) time.Duration {
	entries, _ := v.([][]any)
	for _, e := range entries {
		if len(e) < 2 {
			continue
		}
		base, _ := e[0].(string)
		span, _ := e[1].(uint64)
		if strings.HasPrefix(base, "OnUnitInactive") {
			return time.Duration(span) * time.Microsecond
		}
	}
	return 0
}

// Enqueue asks systemd to start (or stop) a unit and returns once the job
// is queued, without waiting for it: from inside a unit's own start, a
// job for a unit ordered after it would wait for that start to end.
func (c *Conn) Enqueue(ctx context.Context, unit string, start bool) error {
	if start {
		_, err := c.bus().StartUnitContext(ctx, unit, "replace", nil)
		return wrap("start", unit, err)
	}
	_, err := c.bus().StopUnitContext(ctx, unit, "replace", nil)
	return wrap("stop", unit, err)
}
