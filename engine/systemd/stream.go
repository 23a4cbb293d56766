package systemd

import (
	"fmt"
	"net"
	"os"
	"strconv"
)

// journalStdout is journald's socket for stdout/stderr streams.
const journalStdout = "/run/systemd/journal/stdout"

// JournalStream opens a stream into the journal, as systemd does for a
// unit's StandardOutput=journal: lines written to the returned file become
// entries with SYSLOG_IDENTIFIER=identifier and the given priority (3 for
// stderr, 6 for stdout), filed under unit. journald accepts the unit name
// from root, so the lines stay the unit's after the opening process exits.
func JournalStream(identifier, unit string, priority int) (*os.File, error) {
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: journalStdout, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("connecting to the journal: %w", err)
	}
	defer conn.Close()
	// identifier, unit, priority, level prefix, forward to syslog, kmsg, console
	header := identifier + "\n" + unit + "\n" + strconv.Itoa(priority) + "\n0\n0\n0\n0\n"
	if _, err := conn.Write([]byte(header)); err != nil {
		return nil, fmt.Errorf("journal stream header: %w", err)
	}
	if err := conn.CloseRead(); err != nil {
		return nil, err
	}
	f, err := conn.File() // a dup: closing conn leaves it open
	if err != nil {
		return nil, err
	}
	return f, nil
}
