package engine

import (
	"fmt"
	"strings"
	"time"

	"github.com/podunit/podunit/engine/locks"
	"github.com/podunit/podunit/engine/names"
)

// lockNotice is how long a command waits for another's lock before it
// says who holds it.
const lockNotice = 2 * time.Second

// lockOptions bounds lock waits by cfg.LockTimeout and reports a long
// wait to cfg.Warn.
func (e *Engine) lockOptions() locks.Options {
	o := locks.Options{Timeout: e.cfg.LockTimeout, NoticeAfter: lockNotice}
	if e.cfg.Warn != nil {
		o.OnWait = func(h locks.Holder) {
			e.cfg.Warn(fmt.Errorf("%s is %s by %s; waiting", lockObject(h.ID), h.Holding(), h))
		}
	}
	return o
}

// lockObject names what a lock guards: "container 0123456789ab",
// "pod 0123456789ab", "volume NAME" or the lock's own name.
func lockObject(id string) string {
	switch {
	case names.IsID(id):
		return "container " + names.ShortID(id)
	case strings.HasPrefix(id, "pod-"):
		return "pod " + names.ShortID(strings.TrimPrefix(id, "pod-"))
	case strings.HasPrefix(id, "volume-"):
		return "volume " + strings.TrimPrefix(id, "volume-")
	}
	return id
}
