package console

import (
	"net"
	"os"
)

// Handed is a terminal kept by a keeper process for a caller in this
// process that may detach and leave it running (exec -it): the keeper gets
// the console and attach listeners and, as its first caller, the other end
// of a socket pair this process attaches through, so that it misses no
// output however soon the keeper starts copying.
type Handed struct {
	dir    string
	caller *net.UnixConn
	files  []*os.File
}

// NewHanded binds the sockets in dir; the keeper is then started with
// KeeperFiles as its descriptors 3, 4 and 5 (KeepFiles with a caller) and
// the runtime given ConsoleSocket (relative to dir).
func NewHanded(dir string) (*Handed, error) {
	consoleL, attachL, err := Listen(dir)
	if err != nil {
		return nil, err
	}
	consoleF, attachF, err := Files(consoleL, attachL)
	if err != nil {
		Remove(dir)
		return nil, err
	}
	ours, theirs, err := pair()
	if err == nil {
		var theirsF *os.File
		theirsF, err = theirs.File()
		theirs.Close()
		if err == nil {
			return &Handed{dir: dir, caller: ours, files: []*os.File{consoleF, attachF, theirsF}}, nil
		}
		ours.Close()
	}
	consoleF.Close()
	attachF.Close()
	Remove(dir)
	return nil, err
}

// KeeperFiles are the keeper's descriptors 3, 4 and 5.
func (h *Handed) KeeperFiles() []*os.File { return h.files }

// CloseFiles closes this process's copies of KeeperFiles, once the keeper
// has them.
func (h *Handed) CloseFiles() {
	for _, f := range h.files {
		f.Close()
	}
	h.files = nil
}

// Attach connects the caller to the terminal, until it closes or the
// detach keys (see Attach).
func (h *Handed) Attach(o AttachOptions) error { return attachConn(h.caller, o) }

// Close drops the caller's connection and the sockets' names; the keeper
// keeps the terminal until the process's side of it is gone.
func (h *Handed) Close() {
	h.CloseFiles()
	h.caller.Close()
	Remove(h.dir)
}
