package systemd

import (
	"github.com/coreos/go-systemd/v22/daemon"
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
