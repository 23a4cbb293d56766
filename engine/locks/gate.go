package locks

import "context"

// gate is one id's in-process lock: a one-slot channel, so that a waiter
// can give up when its context ends. refs counts the goroutines holding or
// waiting on it; the gate leaves the map when none do.
type gate struct {
	slot chan struct{}
	refs int
}

// enter takes id's gate, waiting (if wait) until it is free or ctx is done.
func (l *Dir) enter(ctx context.Context, id string, wait bool) error {
	g := l.ref(id)
	select {
	case g.slot <- struct{}{}:
		return nil
	default:
	}
	if !wait {
		l.unref(id)
		return errHeld
	}
	select {
	case g.slot <- struct{}{}:
		return nil
	case <-ctx.Done():
		l.unref(id)
		return ctx.Err()
	}
}

// leave releases id's gate.
func (l *Dir) leave(id string) {
	l.mu.Lock()
	g := l.gates[id]
	l.mu.Unlock()
	<-g.slot
	l.unref(id)
}

// ref finds or makes id's gate and counts one more user.
func (l *Dir) ref(id string) *gate {
	l.mu.Lock()
	defer l.mu.Unlock()
	g := l.gates[id]
	if g == nil {
		g = &gate{slot: make(chan struct{}, 1)}
		l.gates[id] = g
	}
	g.refs++
	return g
}

// unref counts one user fewer and drops an unused gate.
func (l *Dir) unref(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	g := l.gates[id]
	if g.refs--; g.refs == 0 {
		delete(l.gates, id)
	}
}
