package systemd

import (
	"context"
	"strconv"
	"testing"
	"time"
)

func TestDecodeEvent(t *testing.T) {
	line := `{"__REALTIME_TIMESTAMP":"1700000000000001","MESSAGE":"x","PODUNIT_TYPE":"container",` +
		`"PODUNIT_EVENT":"died","PODUNIT_NAME":[119,101,98],"PODUNIT_EXIT_CODE":"3","OTHER":"y"}`
	ev, err := decodeEvent([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"TYPE": "container", "EVENT": "died", "NAME": "web", "EXIT_CODE": "3"}
	if len(ev.Fields) != len(want) {
		t.Fatalf("fields %v, want %v", ev.Fields, want)
	}
	for k, v := range want {
		if ev.Fields[k] != v {
			t.Errorf("%s = %q, want %q", k, ev.Fields[k], v)
		}
	}
	if !ev.Time.Equal(time.UnixMicro(1700000000000001)) {
		t.Errorf("time %v", ev.Time)
	}
	ev, _ = decodeEvent([]byte(`{"__REALTIME_TIMESTAMP":"1","PODUNIT_TIME":"1700000000123456789"}`))
	if ev.Time.UnixNano() != 1700000000123456789 {
		t.Errorf("PODUNIT_TIME not preferred: %v", ev.Time)
	}
	if _, err := decodeEvent([]byte("{")); err == nil {
		t.Error("a broken line decoded")
	}
}

// TestInSystemdSendEvent: an event sent to a real journald reads back
// with its fields.
func TestInSystemdSendEvent(t *testing.T) {
	inSandbox(t)
	name := "ev-" + strconv.FormatInt(time.Now().UnixNano(), 10)
	since := time.Now().Add(-time.Second)
	if err := SendEvent("container test "+name, map[string]string{"TYPE": "container", "EVENT": "test", "NAME": name},
		"", false); err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if !until(10*time.Second, func() bool {
		_ = ReadEvents(context.Background(), EventOptions{Since: since}, func(ev Event) error {
			if ev.Fields["NAME"] == name {
				got = ev.Fields
			}
			return nil
		})
		return got != nil
	}) {
		t.Fatalf("event %s not in the journal", name)
	}
	if got["TYPE"] != "container" || got["EVENT"] != "test" {
		t.Errorf("event read back as %v", got)
	}
}
