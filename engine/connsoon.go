package engine

import (
	"context"
	"sync"

	"github.com/podunit/podunit/engine/systemd"
)

// soonConn is a connection to the service manager being made in the
// background (ConnectSoon), until the verb's first connect takes it.
type soonConn struct {
	mu      sync.Mutex
	pending *pendingConn
}

type pendingConn struct {
	done chan struct{}
	conn *systemd.Conn
	err  error
}

// ConnectSoon starts connecting to the service manager in the background,
// for a verb that talks to it only after work of its own: `run` makes the
// container's record and storage first; `pod start` and `pod init` read
// the pod and its members and take its lock. The connection's round trips to
// PID 1 (its authentication, go-systemd's AddMatch: about 1.3 ms) then
// overlap that work instead of following it. detached says the run's
// container gets a unit; an attached one talks to systemd only for its
// scope (attachedInScope). The verb's first connect takes the connection;
// Close closes one nobody took, once it is made.
func (e *Engine) ConnectSoon(ctx context.Context, detached bool) {
	talks := e.attachedInScope()
	if detached {
		talks = systemd.Available()
	}
	if !talks {
		return
	}
	e.soon.mu.Lock()
	defer e.soon.mu.Unlock()
	if e.soon.pending != nil {
		return
	}
	p := &pendingConn{done: make(chan struct{})}
	e.soon.pending = p
	go func() {
		defer close(p.done)
		p.conn, p.err = e.dial(ctx)
	}()
}

// connect connects to the service manager that runs this engine's units:
// the one ConnectSoon made, if any, else a new connection. A background
// connection that failed is tried again here, so the error is of now.
func (e *Engine) connect(ctx context.Context) (*systemd.Conn, error) {
	if p := e.soon.take(); p != nil {
		select {
		case <-p.done:
			if p.err == nil {
				return p.conn, nil
			}
		case <-ctx.Done():
			go p.close()
			return nil, ctx.Err()
		}
	}
	return e.dial(ctx)
}

// take hands out the pending connection once.
func (s *soonConn) take() *pendingConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pending
	s.pending = nil
	return p
}

// close waits for the connection to be made and closes it.
func (p *pendingConn) close() {
	<-p.done
	if p.conn != nil {
		p.conn.Close()
	}
}
