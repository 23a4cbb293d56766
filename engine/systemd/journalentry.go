package systemd

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// entry is the part of a journal entry that Logs uses.
type entry struct {
	message    []byte
	priority   int
	cursor     string // __CURSOR: where `--after-cursor` goes on
	identifier string // SYSLOG_IDENTIFIER
	realtime   int64  // __REALTIME_TIMESTAMP: microseconds since the epoch
	endMark    string // endMarkField: FollowUntil's own entry, not output
}

// decodeEntry decodes one line of `journalctl -o json`. A field is a string,
// an array of byte values when not valid UTF-8 or too long, null when huge,
// or an array of those when the entry has the field more than once.
func decodeEntry(line []byte) (entry, error) {
	var raw struct {
		Message  json.RawMessage `json:"MESSAGE"`
		Priority json.RawMessage `json:"PRIORITY"`
		Cursor   string          `json:"__CURSOR"`
		Ident    json.RawMessage `json:"SYSLOG_IDENTIFIER"`
		Realtime string          `json:"__REALTIME_TIMESTAMP"`
		EndMark  string          `json:"PODUNIT_ATTACH_END"`
	}
	if err := json.Unmarshal(line, &raw); err != nil {
		return entry{}, fmt.Errorf("decode journal entry: %w", err)
	}
	e := entry{priority: 6, cursor: raw.Cursor, endMark: raw.EndMark}
	e.realtime, _ = strconv.ParseInt(raw.Realtime, 10, 64)
	if msg, err := fieldValue(raw.Message); err == nil {
		e.message = msg
	}
	if id, err := fieldValue(raw.Ident); err == nil {
		e.identifier = string(id)
	}
	if p, err := fieldValue(raw.Priority); err == nil {
		if n, err := strconv.Atoi(string(p)); err == nil {
			e.priority = n
		}
	}
	return e, nil
}

// fieldValue decodes one journal field value in its JSON forms.
func fieldValue(raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []byte(s), nil
	}
	var b []byte // from an array of numbers: JSON strings were taken above
	if json.Unmarshal(raw, &b) == nil {
		return b, nil
	}
	var many []json.RawMessage
	if err := json.Unmarshal(raw, &many); err != nil || len(many) == 0 {
		return nil, fmt.Errorf("decode journal field %s: unknown form", raw)
	}
	return fieldValue(many[0])
}
