package main

import (
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/engine"
)

// TestSystemEvent: a system event (auto-update) prints as Podman's, type
// and status only, and type=system selects it.
func TestSystemEvent(t *testing.T) {
	ev := engine.Event{Type: "system", Status: "auto-update", Time: time.Unix(0, 0).UTC()}
	if got := eventText(ev, false); !strings.HasSuffix(got, " UTC system auto-update") {
		t.Errorf("eventText: %q", got)
	}
	match, err := eventFilter([]string{"type=system"})
	if err != nil || !match(ev) || match(engine.Event{Type: "container", Status: "auto-update"}) {
		t.Errorf("type=system: %v", err)
	}
}
