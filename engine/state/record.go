package state

import (
	"encoding/json"
	"fmt"
	jsoniter "github.com/json-iterator/go"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// idLen is the length of a full ID: 64 lowercase hex digits.
const idLen = 64

// checkRecord refuses a container the store cannot key.
func checkRecord(c *model.Container) error {
	switch {
	case c == nil:
		return fmt.Errorf("container record is nil: %w", errdefs.ErrInvalidArgument)
	case len(c.ID) != idLen || !isHex(c.ID):
		return fmt.Errorf("container %q: ID %q is not %d hex digits: %w",
			c.Name, c.ID, idLen, errdefs.ErrInvalidArgument)
	case c.Name == "":
		return fmt.Errorf("container %s: name is empty: %w", shortID(c.ID), errdefs.ErrInvalidArgument)
	}
	return nil
}

// isHex reports whether s is non-empty and all lowercase hex digits.
func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return s != ""
}

// shortID is the 12-character form of an ID that messages show.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// toUTC puts c's times in UTC, so stored records are the same whatever the
// writer's time zone.
func toUTC(c *model.Container) {
	c.Created = c.Created.UTC()
	c.State.StartedAt = c.State.StartedAt.UTC()
	c.State.FinishedAt = c.State.FinishedAt.UTC()
}

// encode is the stored form of c, with its times in UTC; c is unchanged.
func encode(c *model.Container) (string, error) {
	cp := *c
	toUTC(&cp)
	b, err := json.Marshal(&cp)
	if err != nil {
		return "", fmt.Errorf("container %s: encode: %w", c.Name, err)
	}
	return string(b), nil
}

// decode reads a stored record, and refuses one that does not parse or
// lacks its own ID or a name with a *DamagedError.
func decode(id string, data []byte) (*model.Container, error) {
	return decodeWith(id, data, unmarshalStd)
}

// decodeWith is decode with the given JSON decoder (unmarshalFor).
func decodeWith(id string, data []byte, unmarshal func([]byte, any) error) (*model.Container, error) {
	c := new(model.Container)
	if err := decodeInto(c, id, data, unmarshal); err != nil {
		return nil, err
	}
	return c, nil
}

// decodeInto is decodeWith into a zeroed *c, which a listing reuses: the
// maps, slices and strings it fills in are new, never those of the record
// *c held before.
func decodeInto(c *model.Container, id string, data []byte, unmarshal func([]byte, any) error) error {
	*c = model.Container{}
	if err := unmarshal(data, c); err != nil {
		return damaged("container", id, "", err)
	}
	if c.ID != id {
		return damaged("container", id, c.Name, fmt.Errorf("it holds the ID %q", c.ID))
	}
	if err := checkRecord(c); err != nil {
		return damaged("container", id, c.Name, err)
	}
	return nil
}

// unmarshalFor is the decoder for the nth record of a listing. Past
// manyRecords it is json-iterator in encoding/json's compatible mode, which
// reads what encoding/json wrote about twice as fast (BenchmarkContainers:
// what ps -a pays per container) but first spends about a millisecond
// building its codec for the record's types, once per process: a command
// that reads a few records is faster with encoding/json.
func unmarshalFor(n int) func(data []byte, v any) error {
	if n > manyRecords {
		return jsoniter.ConfigCompatibleWithStandardLibrary.Unmarshal
	}
	return unmarshalStd
}

// manyRecords is where json-iterator's codec starts to pay for itself.
const manyRecords = 100

// unmarshalStd is encoding/json's. Neither decoder keeps data (a listing hands
// them the driver's buffer of the row, reused for the next: TestDecodersCopy).
func unmarshalStd(data []byte, v any) error { return json.Unmarshal(data, v) }
