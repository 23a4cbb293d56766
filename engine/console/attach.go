package console

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/podunit/podunit/engine/errdefs"
)

// AttachOptions say what an attached caller connects to the container's
// terminal.
type AttachOptions struct {
	In         *os.File  // typed input; nil: output only
	Out        io.Writer // the container's terminal output (its stdout, without a terminal)
	Err        io.Writer // a container's stderr, when it has no terminal
	DetachKeys []byte    // the sequence that detaches (ParseDetachKeys); nil: none
	// Size is the caller's terminal (put in raw mode while attached, its
	// size followed); nil when the caller has none.
	Size *os.File
	// Proxy, when set, gets the SIGINT and SIGTERM this process receives
	// (Podman's --sig-proxy), and a SIGHUP (the caller's terminal is
	// gone) detaches. Unset, signals are the caller's business.
	Proxy func(syscall.Signal)
}

// ErrDetached is what Attach returns when the caller typed the detach keys.
var ErrDetached = errors.New("detached")

// Attach connects the caller to the keeper serving the container whose
// bundle is dir, until the container's terminal closes (nil) or the
// detach keys are typed (ErrDetached).
func Attach(dir string, o AttachOptions) error {
	conn, err := dial(dir)
	if err != nil {
		return fmt.Errorf("no terminal to attach to (%v): %w", err, errdefs.ErrUnavailable)
	}
	return attachConn(conn, o)
}

// attachConn is Attach on a connection to a keeper.
func attachConn(conn *net.UnixConn, o AttachOptions) error {
	defer conn.Close()
	if o.Size != nil && term.IsTerminal(int(o.Size.Fd())) {
		// raw only when typing goes to the container; without input,
		// ctrl-c stays this process's SIGINT and only the output
		// processing is off (the container's terminal did it)
		restore, err := followSize(conn, o.Size, o.In != nil)
		if err != nil {
			return err
		}
		defer restore()
	}
	ended := make(chan error, 3)
	if o.Proxy != nil {
		stop := proxySignals(o.Proxy, ended)
		defer stop()
	}
	go func() { _, err := io.Copy(o.Out, conn); ended <- err }()
	if o.In != nil {
		go func() { ended <- sendInput(conn, o.In, &detacher{seq: o.DetachKeys}) }()
	}
	for {
		if err := <-ended; err != errInputEnded {
			return err
		}
	}
}

// proxySignals passes SIGINT and SIGTERM to proxy and reports a SIGHUP
// as a detach on ended, until the returned function is called.
func proxySignals(proxy func(syscall.Signal), ended chan<- error) func() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				if s == syscall.SIGHUP {
					ended <- ErrDetached
					continue
				}
				proxy(s.(syscall.Signal))
			case <-stop:
				return
			}
		}
	}()
	return func() { signal.Stop(sigs); close(stop) }
}

// eofChar is VEOF as a new terminal has it (ctrl-d).
const eofChar = 4

// errInputEnded: the caller's input ended; the output goes on.
var errInputEnded = errors.New("input ended")

// sendInput passes typed input on until the detach keys or end of input.
// At the end of input the caller stays attached to the output.
func sendInput(conn *net.UnixConn, in *os.File, d *detacher) error {
	buf := make([]byte, 32*1024)
	for {
		n, err := in.Read(buf)
		pass, detach := d.feed(buf[:n])
		if len(pass) > 0 {
			if _, werr := conn.Write(append([]byte{msgInput}, pass...)); werr != nil {
				return nil // the keeper is gone: the output side ends too
			}
		}
		if detach {
			return ErrDetached
		}
		if err != nil {
			if !term.IsTerminal(int(in.Fd())) {
				// piped input: the terminal's end-of-file character
				// lets the program read the end too, as script(1) does
				_, _ = conn.Write([]byte{msgInput, eofChar})
			}
			return errInputEnded
		}
	}
}

// followSize puts the caller's terminal in raw mode (else only its output
// processing off), sends its size now and at every SIGWINCH, and returns
// what undoes it.
func followSize(conn *net.UnixConn, tty *os.File, raw bool) (func(), error) {
	fd := int(tty.Fd())
	saved, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, fmt.Errorf("the terminal's settings: %w", err)
	}
	if raw {
		_, err = term.MakeRaw(fd)
	} else {
		t := *saved
		t.Oflag &^= unix.OPOST
		err = unix.IoctlSetTermios(fd, unix.TCSETS, &t)
	}
	if err != nil {
		return nil, fmt.Errorf("setting the terminal: %w", err)
	}
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	stop := make(chan struct{})
	sendSize(conn, fd)
	go func() {
		for {
			select {
			case <-winch:
				sendSize(conn, fd)
			case <-stop:
				return
			}
		}
	}()
	return func() {
		signal.Stop(winch)
		close(stop)
		_ = unix.IoctlSetTermios(fd, unix.TCSETS, saved)
	}, nil
}

func sendSize(conn *net.UnixConn, fd int) {
	ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
	if err != nil {
		return
	}
	p := []byte{msgResize, 0, 0, 0, 0}
	binary.BigEndian.PutUint16(p[1:], ws.Row)
	binary.BigEndian.PutUint16(p[3:], ws.Col)
	_, _ = conn.Write(p)
}
