package systemd

import (
	"bufio"
	"context"
	"fmt"
	"io"
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
	Until      time.Time // zero: to the end
	Timestamps bool      // put each entry's time (RFC 3339, ns) before its message
	// MoreUnits are read too, interleaved by time (pod logs); Prefix
	// maps an entry's SYSLOG_IDENTIFIER to text put before its message.
	MoreUnits []string
	Prefix    map[string]string
	// UserUID, when set, reads the units of that user's own manager
	// (_SYSTEMD_USER_UNIT=, _UID=): a rootless podunit's (userlogs.go).
	UserUID string
	// UserIdentifiers are the SYSLOG_IDENTIFIERs of those units' output,
	// for the entries journald could not file under a user unit.
	UserIdentifiers []string
}

// journalctl is the program Logs runs; a variable for tests.
var journalctl = "journalctl"

// Logs writes the messages that the unit's processes wrote to the journal,
// one per line: priority err (3) and more urgent to stderr, the others to
// stdout. Messages systemd itself logs about the unit ("Started ...") are
// not included. With Follow, Logs returns nil when ctx ends.
//
// Tail is applied here, not by journalctl: with --since, journalctl's
// --lines=N prints the first N entries after that time, not the last N.
// With Tail and Follow, the last entries are read first and the follow
// goes on after the cursor of the last one.
func Logs(ctx context.Context, opts LogOptions, stdout, stderr io.Writer) error {
	if opts.Unit == "" {
		return fmt.Errorf("logs: no unit given: %w", errdefs.ErrInvalidArgument)
	}
	if !opts.Until.IsZero() && opts.Until.Before(opts.Since) {
		return nil // nothing can be in that range; journalctl would call it an error
	}
	if opts.Tail < 0 {
		return runJournal(ctx, opts, journalArgs(opts, ""), newStampPrinter(stdout, stderr, opts.Prefix, opts.Timestamps))
	}
	last := &tailBuffer{n: opts.Tail}
	history := opts
	history.Follow = false
	if err := runJournal(ctx, history, journalArgs(history, ""), last.add); err != nil {
		return err
	}
	if err := last.flush(newStampPrinter(stdout, stderr, opts.Prefix, opts.Timestamps)); err != nil {
		return fmt.Errorf("logs of unit %s: %w", opts.Unit, err)
	}
	if !opts.Follow {
		return nil
	}
	return runJournal(ctx, opts, journalArgs(opts, last.cursor), newStampPrinter(stdout, stderr, opts.Prefix, opts.Timestamps))
}

// runJournal runs journalctl with args and hands each entry to emit.
func runJournal(ctx context.Context, opts LogOptions, args []string, emit func(entry) error) error {
	return runJournalctl(ctx, args, "logs of unit "+opts.Unit, opts.Follow,
		func(r io.Reader) error { return readEntries(r, emit) })
}

// journalArgs builds journalctl's command line for opts; after, if set, is
// the cursor of the last entry already printed. Tail is not journalctl's
// business (see Logs).
func journalArgs(opts LogOptions, after string) []string {
	args := []string{"--output=json", "--no-pager", "--quiet", "--all"}
	if opts.Follow {
		args = append(args, "--follow", "--lines=all") // --follow alone shows the last 10
	}
	switch {
	case after != "":
		args = append(args, "--after-cursor="+after)
	case !opts.Since.IsZero():
		args = append(args, "--since=@"+sinceStamp(opts.Since))
	}
	if !opts.Until.IsZero() {
		args = append(args, "--until=@"+sinceStamp(opts.Until))
	}
	field := unitField(opts)
	args = append(args, field+opts.Unit)
	for _, u := range opts.MoreUnits {
		args = append(args, field+u) // the same field: journalctl ORs them
	}
	args = append(args, userMatch(opts)...)
	// Only the container's output streams: podunit's events, sent from
	// inside the unit, are the unit's entries too (_TRANSPORT=journal).
	args = append(args, "_TRANSPORT=stdout")
	if opts.Identifier != "" {
		args = append(args, "SYSLOG_IDENTIFIER="+opts.Identifier)
	}
	return append(args, userUnfiled(opts)...)
}

// sinceStamp formats t as seconds since the epoch with microseconds.
func sinceStamp(t time.Time) string {
	us := t.UnixMicro()
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// readEntries decodes journalctl's JSON lines and hands each to emit.
func readEntries(r io.Reader, emit func(entry) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		e, err := decodeEntry(sc.Bytes())
		if err != nil {
			return err
		}
		if err := emit(e); err != nil {
			return err
		}
	}
	return sc.Err()
}

// newPrinter writes each entry's message to stderr (priority err and more
// urgent) or stdout.
func newPrinter(stdout, stderr io.Writer, prefix map[string]string) func(entry) error {
	return newStampPrinter(stdout, stderr, prefix, false)
}

// newStampPrinter is newPrinter that with stamps puts each entry's time
// between the prefix and the message, as Podman's logs --timestamps.
func newStampPrinter(stdout, stderr io.Writer, prefix map[string]string, stamps bool) func(entry) error {
	return func(e entry) error {
		w := stdout
		if e.priority <= 3 {
			w = stderr
		}
		if stamps {
			e.message = append([]byte(time.UnixMicro(e.realtime).Format(time.RFC3339Nano)+" "), e.message...)
		}
		if p := prefix[e.identifier]; p != "" {
			e.message = append([]byte(p), e.message...)
		}
		_, err := w.Write(append(e.message, '\n'))
		return err
	}
}

// tailBuffer keeps the last n entries it is given, and the cursor of the
// very last one.
type tailBuffer struct {
	n       int
	entries []entry
	cursor  string
}

func (t *tailBuffer) add(e entry) error {
	t.cursor = e.cursor
	if t.n == 0 {
		return nil
	}
	t.entries = append(t.entries, e)
	if len(t.entries) >= 2*t.n { // drop the older half: amortised O(1) a line
		t.entries = append(t.entries[:0], t.entries[len(t.entries)-t.n:]...)
	}
	return nil
}

func (t *tailBuffer) flush(emit func(entry) error) error {
	for _, e := range t.entries[max(0, len(t.entries)-t.n):] {
		if err := emit(e); err != nil {
			return err
		}
	}
	return nil
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
