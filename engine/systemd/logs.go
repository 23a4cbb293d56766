package systemd

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
)

// LogOptions selects journal entries of one unit.
type LogOptions struct {
	Unit       string    // required: entries whose _SYSTEMD_UNIT is this unit
	Identifier string    // optional: only entries with this SYSLOG_IDENTIFIER
	Follow     bool      // keep printing new entries until ctx ends
	Tail       int       // the last Tail entries; negative: all of them
	Since      time.Time // zero: from the beginning
	// MoreUnits are read too, interleaved by time (pod logs); Prefix
	// maps an entry's SYSLOG_IDENTIFIER to text put before its message.
	MoreUnits []string
	Prefix    map[string]string
}

// journalctl is the program Logs runs; a variable for tests.
var journalctl = "journalctl"

// Logs writes the messages that the unit's processes wrote to the journal,
// one per line: priority err (3) and more urgent to stderr, the others to
// stdout. Messages systemd itself logs about the unit ("Started ...") are
// not included. With Follow, Logs returns nil when ctx ends.
func Logs(ctx context.Context, opts LogOptions, stdout, stderr io.Writer) error {
	if opts.Unit == "" {
		return fmt.Errorf("logs: no unit given: %w", errdefs.ErrInvalidArgument)
	}
	return runJournalctl(ctx, journalArgs(opts), "logs of unit "+opts.Unit, opts.Follow,
		func(r io.Reader) error { return copyEntries(r, stdout, stderr, opts.Prefix) })
}

// journalArgs builds journalctl's command line for opts.
func journalArgs(opts LogOptions) []string {
	args := []string{"--output=json", "--no-pager", "--quiet", "--all"}
	if opts.Follow {
		args = append(args, "--follow")
	}
	if opts.Tail >= 0 {
		args = append(args, "--lines="+strconv.Itoa(opts.Tail))
	} else if opts.Follow {
		args = append(args, "--lines=all") // --follow alone shows the last 10
	}
	if !opts.Since.IsZero() {
		args = append(args, "--since=@"+sinceStamp(opts.Since))
	}
	args = append(args, "_SYSTEMD_UNIT="+opts.Unit)
	for _, u := range opts.MoreUnits {
		args = append(args, "_SYSTEMD_UNIT="+u) // the same field: journalctl ORs them
	}
	// Only the container's output streams: podunit's events, sent from
	// inside the unit, are the unit's entries too (_TRANSPORT=journal).
	args = append(args, "_TRANSPORT=stdout")
	if opts.Identifier != "" {
		args = append(args, "SYSLOG_IDENTIFIER="+opts.Identifier)
	}
	return args
}

// sinceStamp formats t as seconds since the epoch with microseconds.
func sinceStamp(t time.Time) string {
	us := t.UnixMicro()
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// copyEntries decodes journalctl's JSON lines and writes each message.
func copyEntries(r io.Reader, stdout, stderr io.Writer, prefix map[string]string) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		e, err := decodeEntry(sc.Bytes())
		if err != nil {
			return err
		}
		w := stdout
		if e.priority <= 3 {
			w = stderr
		}
		if p := prefix[e.identifier]; p != "" {
			e.message = append([]byte(p), e.message...)
		}
		if _, err := w.Write(append(e.message, '\n')); err != nil {
			return err
		}
	}
	return sc.Err()
}

// limitedBuffer keeps the first 4 KiB written to it (journalctl's stderr).
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := 4096 - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return string(l.b) }
