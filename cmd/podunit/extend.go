package main

import (
	"fmt"
	"os"
	"time"

	"github.com/podunit/podunit/engine/systemd"
)

// extendInterval is how often a long job under systemd asks for more time,
// and extendBy how much it asks for each time.
const (
	extendInterval = 5 * time.Second
	extendBy       = 30 * time.Second
)

// extendStartTimeout keeps telling systemd, while a long job (an image pull
// in a unit's ExecStart=) runs, that the unit's start is making progress
// (EXTEND_TIMEOUT_USEC), so a slow pull is not killed by TimeoutStartSec=.
// Outside a unit it does nothing. Call the returned function when done.
func extendStartTimeout() func() {
	if os.Getenv("NOTIFY_SOCKET") == "" {
		return func() {}
	}
	done := make(chan struct{})
	send := func() { _, _ = systemd.Notify(fmt.Sprintf("EXTEND_TIMEOUT_USEC=%d", extendBy.Microseconds())) }
	send()
	go func() {
		t := time.NewTicker(extendInterval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				send()
			case <-done:
				return
			}
		}
	}()
	return func() { close(done) }
}
