package systemd

import (
	"strings"
	"testing"
	"time"
)

// TestPrinterTimestampsAndUntil: --timestamps puts the entry's own time
// (RFC 3339, ns) after the prefix and before the message, as Podman's
// logs; --until bounds journalctl.
func TestPrinterTimestampsAndUntil(t *testing.T) {
	in := `{"MESSAGE":"one","SYSLOG_IDENTIFIER":"web","__REALTIME_TIMESTAMP":"1700000000123456"}
`
	var out, errb strings.Builder
	if err := readEntries(strings.NewReader(in), newStampPrinter(&out, &errb, map[string]string{"web": "aaa "}, true)); err != nil {
		t.Fatal(err)
	}
	want := "aaa " + time.UnixMicro(1700000000123456).Format(time.RFC3339Nano) + " one\n"
	if out.String() != want {
		t.Errorf("stdout %q, want %q", out.String(), want)
	}
	args := strings.Join(journalArgs(LogOptions{Unit: "a.service", Until: time.Unix(1700000000, 5000)}, ""), " ")
	if !strings.Contains(args, "--until=@1700000000.000005 ") {
		t.Errorf("journalctl args %s", args)
	}
}

// TestLogsUntilBeforeSince: an --until before the --since (or before the
// container was made) prints nothing and is no error.
func TestLogsUntilBeforeSince(t *testing.T) {
	var out strings.Builder
	err := Logs(t.Context(), LogOptions{Unit: "a.service", Since: time.Unix(2000, 0), Until: time.Unix(1000, 0), Tail: -1}, &out, &out)
	if err != nil || out.Len() != 0 {
		t.Errorf("Logs: %v, printed %q", err, out.String())
	}
}
