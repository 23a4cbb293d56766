package systemd

import (
	"testing"
	"time"
)

func TestUnitInactiveSpan(t *testing.T) {
	v := [][]any{{"OnActiveUSec", uint64(5e6), uint64(0)}, {"OnUnitInactiveUSec", uint64(7e6), uint64(0)}}
	if got := unitInactiveSpan(v); got != 7*time.Second {
		t.Errorf("got %s, want 7s", got)
	}
	if got := unitInactiveSpan([][]any{{"OnBootUSec", uint64(1), uint64(0)}}); got != 0 {
		t.Errorf("without OnUnitInactiveSec=: %s", got)
	}
	if got := unitInactiveSpan("bogus"); got != 0 {
		t.Errorf("bogus: %s", got)
	}
}
