package console

import (
	"fmt"
	"io"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// Session is a terminal kept in this process for a container or an exec
// that runs attached: its keeper runs in a goroutine, with this process's
// caller connected before the runtime starts, so no output is missed.
// Others may attach on the attach socket while it lasts.
type Session struct {
	dir      string
	consoleL *net.UnixListener
	caller   *net.UnixConn
	kept     chan error
}

// NewSession binds the sockets in dir and starts the keeper; the runtime
// is then given ConsoleSocket (relative to dir).
func NewSession(dir string) (*Session, error) {
	consoleL, attachL, err := Listen(dir)
	if err != nil {
		return nil, err
	}
	ours, theirs, err := pair()
	if err != nil {
		consoleL.Close()
		attachL.Close()
		Remove(dir)
		return nil, err
	}
	s := &Session{dir: dir, consoleL: consoleL, caller: ours, kept: make(chan error, 1)}
	go func() { s.kept <- Keep(consoleL, attachL, io.Discard, theirs) }()
	return s, nil
}

// pair is a connected pair of SOCK_SEQPACKET sockets.
func pair() (a, b *net.UnixConn, err error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("socketpair: %w", err)
	}
	conns := make([]*net.UnixConn, 2)
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "console-pair")
		c, err := net.FileConn(f)
		f.Close()
		if err != nil {
			if i == 1 {
				conns[0].Close()
			}
			return nil, nil, err
		}
		conns[i] = c.(*net.UnixConn)
	}
	return conns[0], conns[1], nil
}

// Attach connects the caller to the terminal, until it closes or the
// detach keys (see Attach).
func (s *Session) Attach(o AttachOptions) error { return attachConn(s.caller, o) }

// Abort ends a session whose runtime never handed over a terminal.
func (s *Session) Abort() { s.consoleL.Close() }

// Close waits for the keeper to end and removes the sockets.
func (s *Session) Close() error {
	err := <-s.kept
	Remove(s.dir)
	return err
}
