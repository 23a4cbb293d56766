package systemd

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"time"

	"github.com/coreos/go-systemd/v22/journal"
)

// endMarkField is the journal field of the entry FollowUntil writes when
// the output it follows has ended; its value is unique to one follow.
// (decodeEntry reads it under this name.)
const endMarkField = "PODUNIT_ATTACH_END"

// endMarkWait bounds the wait for the end mark to come back through the
// follow. Past it (journald dropped the entry, say) the follow stops and
// the entries after the last one printed are read once more, so that
// nothing is lost either way: the wait costs time, never output.
const endMarkWait = 5 * time.Second

// errEndMarked: the follow read its own end mark.
var errEndMarked = errors.New("the end of the output was read")

// FollowUntil prints the unit's entries as Logs with Follow does, until done
// is closed and every entry written before that is printed; then it
// returns (or when ctx ends). One journalctl follows throughout: when done
// closes, journald is made to store what it has taken in (journalctl
// --sync), an entry of podunit's own, matched by the follow's filter, is
// written after it, and the follow ends when it reads that entry. No line
// is read twice, and none between two readers is lost.
func FollowUntil(ctx context.Context, opts LogOptions, stdout, stderr io.Writer, done <-chan struct{}) error {
	opts.Follow, opts.Tail = true, -1
	mark, err := newEndMark()
	if err != nil {
		return err
	}
	var cursor string
	print := newPrinter(stdout, stderr, opts.Prefix)
	emit := func(e entry) error {
		if e.endMark != "" {
			if e.endMark == mark {
				return errEndMarked
			}
			return nil
		}
		cursor = e.cursor
		return print(e)
	}
	fctx, stop := context.WithCancel(ctx)
	defer stop()
	followed := make(chan error, 1)
	args := append(journalArgs(opts, ""), "+", endMarkField+"="+mark) // "+": or
	go func() { followed <- runJournal(fctx, opts, args, emit) }()
	select {
	case err := <-followed:
		return err
	case <-done:
	}
	if ended, err := awaitEndMark(ctx, mark, followed); ended {
		return err
	}
	stop()
	if err := <-followed; err != nil && !errors.Is(err, errEndMarked) {
		return err
	}
	// the mark did not come: read what the follow may have missed
	rest := opts
	rest.Follow = false
	return runJournal(ctx, rest, journalArgs(rest, cursor), emit)
}

// awaitEndMark has journald store what it holds, writes the end mark after
// it and waits for the follow to read the mark: then every entry before
// it has been printed. ended is false if the mark could not be written or
// did not come back in endMarkWait; the follow then still runs.
func awaitEndMark(ctx context.Context, mark string, followed <-chan error) (ended bool, err error) {
	// journald answers a sync once it has read every stream's pending
	// output: the container's last lines are stored before the mark
	_ = exec.CommandContext(ctx, journalctl, "--sync").Run() // only root may: else the wait below covers it
	if err := sendEndMark(mark); err != nil {
		return false, nil
	}
	t := time.NewTimer(endMarkWait)
	defer t.Stop()
	select {
	case err := <-followed:
		if errors.Is(err, errEndMarked) {
			err = nil
		}
		return true, err
	case <-t.C:
		return false, nil
	}
}

// newEndMark is a value no other follow uses.
func newEndMark() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("following logs: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// sendEndMark writes the end mark entry to the journal.
func sendEndMark(mark string) error {
	if !journal.Enabled() {
		return fmt.Errorf("the journal is not available here")
	}
	return journal.Send("podunit: end of the output followed", journal.PriInfo,
		map[string]string{"SYSLOG_IDENTIFIER": "podunit", endMarkField: mark})
}
