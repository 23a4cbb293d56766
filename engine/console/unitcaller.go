package console

import (
	"encoding/binary"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// A caller handed to a unit: `run -it` and `start -ai` under systemd start
// the container's unit with the far end of a socket pair as its stdin
// (StandardInputFileDescriptor=), and unit-start gives that end to the
// keeper as its first caller (KeepFiles), so the caller misses no byte of
// the terminal and may detach and leave the unit running.

// CallerPair is a connected pair of SOCK_SEQPACKET sockets: the caller's
// end, and the keeper's as a file to hand to another process.
func CallerPair() (*net.UnixConn, *os.File, error) {
	ours, theirs, err := pair()
	if err != nil {
		return nil, nil, err
	}
	f, err := theirs.File()
	theirs.Close()
	if err != nil {
		ours.Close()
		return nil, nil, err
	}
	return ours, f, nil
}

// AttachConn is Attach on a connection made by CallerPair.
func AttachConn(conn *net.UnixConn, o AttachOptions) error { return attachConn(conn, o) }

// SendSize sends the size of the caller's terminal tty, if it is one, as
// the first packet: unit-start reads it (PeekSize) before it creates the
// container, whose terminal then starts with that size.
func SendSize(conn *net.UnixConn, tty *os.File) {
	if tty != nil && isTerminal(tty) {
		sendSize(conn, int(tty.Fd()))
	}
}

func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// IsCaller says whether f is a caller's end of CallerPair (a unix
// SOCK_SEQPACKET socket), as a unit's stdin is when a caller started it.
func IsCaller(f *os.File) bool {
	typ, err := unix.GetsockoptInt(int(f.Fd()), unix.SOL_SOCKET, unix.SO_TYPE)
	if err != nil || typ != unix.SOCK_SEQPACKET {
		return false
	}
	sa, err := unix.Getsockname(int(f.Fd()))
	if err != nil {
		return false
	}
	_, ok := sa.(*unix.SockaddrUnix)
	return ok
}

// PeekSize is the size a caller sent first on f (SendSize), without
// taking the packet, which the keeper then reads as well; ok is false when
// no size waits there.
func PeekSize(f *os.File) (rows, cols uint16, ok bool) {
	buf := make([]byte, 8)
	n, _, err := unix.Recvfrom(int(f.Fd()), buf, unix.MSG_PEEK|unix.MSG_DONTWAIT)
	if err != nil || n != 5 || buf[0] != msgResize {
		return 0, 0, false
	}
	rows, cols = binary.BigEndian.Uint16(buf[1:]), binary.BigEndian.Uint16(buf[3:])
	return rows, cols, rows > 0 && cols > 0
}
