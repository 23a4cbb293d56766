package unitfile

import (
	"testing"
	"time"
)

func TestHealthUnitsAndTimeSpan(t *testing.T) {
	if timer, svc := HealthUnits("web.service"); timer != "web-healthcheck.timer" || svc != "web-healthcheck.service" {
		t.Errorf("HealthUnits: %s %s", timer, svc)
	}
	for d, want := range map[time.Duration]string{time.Second: "1s", 90 * time.Second: "90s", 1500 * time.Millisecond: "1500ms"} {
		if got := TimeSpan(d); got != want {
			t.Errorf("TimeSpan(%s) = %s, want %s", d, got, want)
		}
	}
}
