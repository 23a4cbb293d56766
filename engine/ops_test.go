package engine

import (
	"testing"
	"time"

	"github.com/podunit/podunit/engine/model"
)

// TestStopTimeout: --stop-timeout 0 (kube's terminationGracePeriodSeconds:
// 0) kills at once, as in Podman; it used to read as unset (10 s).
func TestStopTimeout(t *testing.T) {
	c := &model.Container{}
	three := uint(3)
	for _, tc := range []struct {
		own      uint
		override *uint
		want     time.Duration
	}{{0, nil, 0}, {10, nil, 10 * time.Second}, {25, nil, 25 * time.Second}, {10, &three, 3 * time.Second}} {
		c.Config.StopTimeout = tc.own
		if got := stopTimeout(c, tc.override); got != tc.want {
			t.Errorf("stopTimeout(own %d, override %v) = %v, want %v", tc.own, tc.override, got, tc.want)
		}
	}
}
