package console

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
)

// keeper holds a container's pty master and the callers attached to it.
type keeper struct {
	master  *os.File
	log     io.Writer
	mu      sync.Mutex
	clients map[*net.UnixConn]bool
	serving sync.WaitGroup // serve, one per caller
	ending  bool           // endClients began: no more callers
}

// endWait is how long a keeper whose terminal closed waits for its callers
// to read the end and hang up before it closes their connections.
const endWait = 2 * time.Second

// Keep receives the master from the runtime on consoleL, then serves
// callers on attachL and copies the container's output to log and to them
// until the container's side of the terminal is gone. The first callers
// are served from the first byte (a Session's caller).
func Keep(consoleL, attachL *net.UnixListener, log io.Writer, first ...*net.UnixConn) error {
	k := &keeper{log: log, clients: map[*net.UnixConn]bool{}}
	for _, c := range first {
		k.clients[c] = true
	}
	var err error
	k.master, err = receiveMaster(consoleL)
	consoleL.Close()
	if err != nil {
		attachL.Close()
		k.closeClients()
		return err
	}
	defer k.master.Close()
	for _, c := range first {
		k.serving.Add(1)
		go k.serve(c)
	}
	go k.accept(attachL)
	k.copyOut()
	attachL.Close()
	k.endClients()
	return nil
}

// endClients tells each caller the output ended and closes its connection
// once it hung up (or after endWait). Closing a connection at once would
// lose output: a message of the caller's not read yet (a resize) makes the
// kernel reset the connection, and the caller's next read then fails
// before it gets the output still queued for it.
func (k *keeper) endClients() {
	k.mu.Lock()
	k.ending = true
	for c := range k.clients {
		_ = c.CloseWrite()
	}
	k.mu.Unlock()
	done := make(chan struct{})
	go func() { k.serving.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(endWait):
	}
	k.closeClients()
}

func (k *keeper) closeClients() {
	k.mu.Lock()
	defer k.mu.Unlock()
	for c := range k.clients {
		c.Close()
	}
}

// receiveMaster takes the one connection the runtime makes and the
// descriptor it passes (SCM_RIGHTS).
func receiveMaster(l *net.UnixListener) (*os.File, error) {
	conn, err := l.AcceptUnix()
	if err != nil {
		return nil, fmt.Errorf("waiting for the container's terminal: %w", err)
	}
	defer conn.Close()
	buf, oob := make([]byte, 4096), make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
	if err != nil {
		return nil, fmt.Errorf("receiving the container's terminal: %w", err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return nil, fmt.Errorf("the runtime sent no terminal: %w", errdefs.ErrUnavailable)
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return nil, fmt.Errorf("the runtime sent no terminal: %w", errdefs.ErrUnavailable)
	}
	return os.NewFile(uintptr(fds[0]), "pty-master"), nil
}

// copyOut reads the master until the container's side closes (EIO).
func (k *keeper) copyOut() {
	buf := make([]byte, 32*1024)
	for {
		n, err := k.master.Read(buf)
		if n > 0 {
			_, _ = k.log.Write(buf[:n])
			k.broadcast(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// broadcast sends output to every caller; one that cannot take it within
// a second is dropped rather than let it stall the container.
func (k *keeper) broadcast(p []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for c := range k.clients {
		_ = c.SetWriteDeadline(time.Now().Add(time.Second))
		if _, err := c.Write(p); err != nil {
			c.Close()
			delete(k.clients, c)
		}
	}
}

func (k *keeper) accept(l *net.UnixListener) {
	for {
		c, err := l.AcceptUnix()
		if err != nil {
			return
		}
		k.mu.Lock()
		if k.ending {
			k.mu.Unlock()
			c.Close()
			return
		}
		k.clients[c] = true
		k.serving.Add(1) // under mu: before endClients' Wait
		k.mu.Unlock()
		go k.serve(c)
	}
}

// serve passes one caller's input and window sizes to the master.
func (k *keeper) serve(c *net.UnixConn) {
	defer k.serving.Done()
	defer func() {
		k.mu.Lock()
		delete(k.clients, c)
		k.mu.Unlock()
		c.Close()
	}()
	buf := make([]byte, 32*1024+1)
	for {
		n, err := c.Read(buf)
		if err != nil || n == 0 {
			return
		}
		if err := k.handle(buf[:n]); err != nil && !errors.Is(err, errBadPacket) {
			return
		}
	}
}

var errBadPacket = errors.New("bad attach packet")

func (k *keeper) handle(p []byte) error {
	switch {
	case p[0] == msgInput:
		_, err := k.master.Write(p[1:])
		return err
	case p[0] == msgResize && len(p) == 5:
		ws := &unix.Winsize{Row: binary.BigEndian.Uint16(p[1:]), Col: binary.BigEndian.Uint16(p[3:])}
		return unix.IoctlSetWinsize(int(k.master.Fd()), unix.TIOCSWINSZ, ws)
	}
	return errBadPacket
}
