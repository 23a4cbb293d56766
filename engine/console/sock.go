package console

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
)

// shortPath names file in dir by way of an open descriptor of dir, so a
// socket path stays within the 107 bytes sockaddr_un allows however deep
// the bundle lies. The caller keeps d open while it uses the path.
func shortPath(dir, file string) (path string, d *os.File, err error) {
	d, err = os.OpenFile(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", nil, err
	}
	return fmt.Sprintf("/proc/self/fd/%d/%s", d.Fd(), file), d, nil
}

// Listen binds the console and attach sockets in dir, replacing stale
// ones. The listeners do not remove their files on close; Remove does.
func Listen(dir string) (consoleL, attachL *net.UnixListener, err error) {
	Remove(dir)
	consoleL, err = listen(dir, ConsoleSocket, "unix")
	if err != nil {
		return nil, nil, err
	}
	if attachL, err = listen(dir, AttachSocket, "unixpacket"); err != nil {
		consoleL.Close()
		return nil, nil, err
	}
	return consoleL, attachL, nil
}

func listen(dir, file, network string) (*net.UnixListener, error) {
	path, d, err := shortPath(dir, file)
	if err != nil {
		return nil, fmt.Errorf("console socket in %s: %w", dir, err)
	}
	defer d.Close()
	l, err := net.ListenUnix(network, &net.UnixAddr{Name: path, Net: network})
	if err != nil {
		return nil, fmt.Errorf("console socket %s: %w", filepath.Join(dir, file), err)
	}
	l.SetUnlinkOnClose(false)
	if err := os.Chmod(filepath.Join(dir, file), 0o600); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// Remove deletes the socket files in dir.
func Remove(dir string) {
	_ = os.Remove(filepath.Join(dir, ConsoleSocket))
	_ = os.Remove(filepath.Join(dir, AttachSocket))
}

// dial connects to the attach socket in dir.
func dial(dir string) (*net.UnixConn, error) {
	path, d, err := shortPath(dir, AttachSocket)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return net.DialUnix("unixpacket", nil, &net.UnixAddr{Name: path, Net: "unixpacket"})
}

// Files returns descriptors of both listeners to hand to a keeper process
// (as its descriptors 3 and 4) and closes the listeners.
func Files(consoleL, attachL *net.UnixListener) (consoleF, attachF *os.File, err error) {
	defer consoleL.Close()
	defer attachL.Close()
	if consoleF, err = consoleL.File(); err != nil {
		return nil, nil, err
	}
	if attachF, err = attachL.File(); err != nil {
		consoleF.Close()
		return nil, nil, err
	}
	return consoleF, attachF, nil
}

// KeepFiles is Keep on listeners handed over by Files, with the first
// callers' connections (Handed's) if any.
func KeepFiles(consoleF, attachF *os.File, log io.Writer, callers ...*os.File) error {
	first, err := callerConns(callers)
	if err != nil {
		return err
	}
	consoleL, err := net.FileListener(consoleF)
	if err != nil {
		return fmt.Errorf("console socket: %w", err)
	}
	attachL, err := net.FileListener(attachF)
	if err != nil {
		consoleL.Close()
		return fmt.Errorf("attach socket: %w", err)
	}
	cl, ok1 := consoleL.(*net.UnixListener)
	al, ok2 := attachL.(*net.UnixListener)
	if !ok1 || !ok2 {
		consoleL.Close()
		attachL.Close()
		return fmt.Errorf("console keeper: descriptors 3 and 4 are not unix sockets: %w", errdefs.ErrInvalidArgument)
	}
	return Keep(cl, al, log, first...)
}

// callerConns are connections of descriptors a keeper was given.
func callerConns(files []*os.File) ([]*net.UnixConn, error) {
	var conns []*net.UnixConn
	for _, f := range files {
		c, err := net.FileConn(f)
		f.Close()
		u, ok := c.(*net.UnixConn)
		if err != nil || !ok {
			return nil, fmt.Errorf("console keeper: caller descriptor %s is not a unix socket (%v): %w", f.Name(), err, errdefs.ErrInvalidArgument)
		}
		conns = append(conns, u)
	}
	return conns, nil
}
