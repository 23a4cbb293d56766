package unitfile

import (
	"testing"
	"time"
)

func TestHealthUnitsAndTimeSpan(t *testing.T) {
	for unit, want := range map[string][4]string{
		"web.service":   {"web-healthcheck.timer", "web-healthcheck.service", "web-healthcheck-startup.timer", "web-healthcheck-startup.service"},
		"web@.service":  {"web-healthcheck@.timer", "web-healthcheck@.service", "web-healthcheck-startup@.timer", "web-healthcheck-startup@.service"},
		"web@a.service": {"web-healthcheck@a.timer", "web-healthcheck@a.service", "web-healthcheck-startup@a.timer", "web-healthcheck-startup@a.service"},
	} {
		timer, svc := HealthUnits(unit)
		st, ss := HealthStartupUnits(unit)
		if got := [4]string{timer, svc, st, ss}; got != want {
			t.Errorf("%s: %q, want %q", unit, got, want)
		}
	}
	for d, want := range map[time.Duration]string{time.Second: "1s", 90 * time.Second: "90s", 1500 * time.Millisecond: "1500ms"} {
		if got := TimeSpan(d); got != want {
			t.Errorf("TimeSpan(%s) = %s, want %s", d, got, want)
		}
	}
}
