// Package console keeps the pseudo-terminal of a container that runs as a
// systemd unit with -t, and attaches callers to it.
//
// podunit has no monitor process, yet a pty's master must stay open for as
// long as the container runs: when the last master descriptor closes, the
// container's terminal hangs up. The keeper is the one process that holds
// it: the runtime hands it the master over the console socket (`create
// --console-socket`), it copies the container's output to the unit's
// journal and to every attached caller, and their input and window sizes
// to the master. It ends when the container's side of the terminal is
// gone. Both sockets live in the container's bundle directory.
package console

// The files in a container's bundle directory.
const (
	// ConsoleSocket is where the runtime connects to hand over the master.
	ConsoleSocket = "console.sock"
	// AttachSocket is where callers attach (SOCK_SEQPACKET, see below).
	AttachSocket = "attach.sock"
)

// Packets a caller sends on the attach socket start with one of these.
const (
	msgInput  byte = 'i' // the rest is typed input
	msgResize byte = 'w' // rows, columns: two big-endian uint16 each
)
