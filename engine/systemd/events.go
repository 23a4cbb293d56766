package systemd

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/coreos/go-systemd/v22/journal"
)

// EventField prefixes the journal fields of podunit's events, as Podman's
// journald event backend uses PODMAN_: PODUNIT_TYPE (container, pod,
// volume, image, system), PODUNIT_EVENT (create, start, died, remove …),
// PODUNIT_ID, PODUNIT_NAME and more.
const EventField = "PODUNIT_"

// eventTypes are the PODUNIT_TYPE values ReadEvents asks journalctl for.
var eventTypes = []string{"container", "pod", "volume", "image", "system"}

// SendEvent writes one event to the journal: message as MESSAGE, fields
// (without the PODUNIT_ prefix, upper case) as PODUNIT_ fields, under
// SYSLOG_IDENTIFIER=podunit. An event about a unit's container names the
// unit (unit not ""; user: a user manager's) as OBJECT_SYSTEMD_UNIT or
// OBJECT_SYSTEMD_USER_UNIT, which `journalctl -u` matches for root's
// entries: journald attributes an entry to a unit by the sender's cgroup,
// which it cannot read once the sender has exited (a unit-start whose
// container exits at once), and then only this field places it.
// Without a journal the send fails; no socket is dialed first to ask
// (go-systemd's journal.Enabled: a connect per call).
func SendEvent(message string, fields map[string]string, unit string, user bool) error {
	vars := map[string]string{"SYSLOG_IDENTIFIER": "podunit"}
	for k, v := range fields {
		vars[EventField+k] = v
	}
	switch {
	case unit != "" && user:
		vars["OBJECT_SYSTEMD_USER_UNIT"] = unit
	case unit != "":
		vars["OBJECT_SYSTEMD_UNIT"] = unit
	}
	if err := journal.Send(message, journal.PriInfo, vars); err != nil {
		return fmt.Errorf("sending an event to the journal: %w", err)
	}
	return nil
}

// EventOptions select events by time.
type EventOptions struct {
	Since, Until time.Time // zero: unbounded
	Follow       bool      // keep reading new events until ctx ends
}

// Event is one event as read back: its PODUNIT_ fields without the prefix,
// and when the journal received it.
type Event struct {
	Fields map[string]string
	Time   time.Time
}

// ReadEvents hands each recorded event, oldest first, to fn.
func ReadEvents(ctx context.Context, o EventOptions, fn func(Event) error) error {
	args := []string{"--output=json", "--no-pager", "--quiet", "--all"}
	if o.Follow {
		args = append(args, "--follow", "--lines=all")
	}
	if !o.Since.IsZero() {
		args = append(args, "--since=@"+sinceStamp(o.Since))
	}
	if !o.Until.IsZero() {
		args = append(args, "--until=@"+sinceStamp(o.Until))
	}
	for _, t := range eventTypes {
		args = append(args, EventField+"TYPE="+t) // the same field: journalctl ORs them
	}
	return runJournalctl(ctx, args, "reading events", o.Follow, func(r io.Reader) error {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
		for sc.Scan() {
			ev, err := decodeEvent(sc.Bytes())
			if err != nil {
				return err
			}
			if err := fn(ev); err != nil {
				return err
			}
		}
		return sc.Err()
	})
}

// decodeEvent reads one `journalctl -o json` line as an Event.
func decodeEvent(line []byte) (Event, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(line, &raw); err != nil {
		return Event{}, fmt.Errorf("decode journal entry: %w", err)
	}
	ev := Event{Fields: map[string]string{}}
	for k, v := range raw {
		name, ok := strings.CutPrefix(k, EventField)
		if !ok {
			continue
		}
		if b, err := fieldValue(v); err == nil {
			ev.Fields[name] = string(b)
		}
	}
	if b, err := fieldValue(raw["__REALTIME_TIMESTAMP"]); err == nil {
		if us, err := strconv.ParseInt(string(b), 10, 64); err == nil {
			ev.Time = time.UnixMicro(us)
		}
	}
	if t, err := strconv.ParseInt(ev.Fields["TIME"], 10, 64); err == nil {
		ev.Time = time.Unix(0, t) // the sender's clock, to the nanosecond
	}
	return ev, nil
}
