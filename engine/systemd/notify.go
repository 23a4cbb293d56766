package systemd

import (
	"fmt"
	"os"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
	"golang.org/x/sys/unix"
)

// Notify sends state ("MAINPID=123\nREADY=1") to the service manager over
// $NOTIFY_SOCKET, leaving the variable set. It returns false and no error
// when $NOTIFY_SOCKET is unset (not started by systemd as Type=notify).
//
// Send from the unit's main process (the ExecStart= process itself): systemd
// attributes a message from a process that already exited only when it
// watches that PID, so a helper child that sends and exits at once may be
// ignored.
func Notify(state string) (bool, error) {
	return daemon.SdNotify(false, state)
}

// barrierTimeout bounds how long Barrier waits for the service manager.
const barrierTimeout = 5 * time.Second

// Barrier returns once the service manager has processed every message sent
// before it (sd_notify_barrier(3)): it sends BARRIER=1 with the write end of
// a pipe, which the manager closes after reading. It returns false and no
// error without $NOTIFY_SOCKET.
func Barrier() (bool, error) {
	addr := os.Getenv("NOTIFY_SOCKET")
	if addr == "" {
		return false, nil
	}
	if addr[0] == '@' {
		addr = "\x00" + addr[1:] // abstract socket
	}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return false, fmt.Errorf("notify barrier: %w", err)
	}
	defer unix.Close(p[0])
	err := sendFD(addr, "BARRIER=1", p[1])
	unix.Close(p[1])
	if err != nil {
		return false, err
	}
	fds := []unix.PollFd{{Fd: int32(p[0]), Events: unix.POLLHUP}}
	for {
		n, err := unix.Poll(fds, int(barrierTimeout/time.Millisecond))
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return false, fmt.Errorf("notify barrier: %w", err)
		case n == 0:
			return false, fmt.Errorf("notify barrier: no answer from the service manager in %s", barrierTimeout)
		}
		return true, nil
	}
}

// sendFD sends msg with fd attached to the datagram socket addr.
func sendFD(addr, msg string, fd int) error {
	s, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("notify barrier: %w", err)
	}
	defer unix.Close(s)
	if err := unix.Sendmsg(s, []byte(msg), unix.UnixRights(fd), &unix.SockaddrUnix{Name: addr}, 0); err != nil {
		return fmt.Errorf("notify barrier: %w", err)
	}
	return nil
}
