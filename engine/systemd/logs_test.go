package systemd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestDecodeEntry(t *testing.T) {
	cases := []struct {
		line string
		msg  string
		prio int
	}{
		{`{"MESSAGE":"hello","PRIORITY":"6"}`, "hello", 6},
		{`{"MESSAGE":[104,105,255],"PRIORITY":"3"}`, "hi\xff", 3},
		{`{"MESSAGE":["first","second"]}`, "first", 6},
		{`{"MESSAGE":null,"PRIORITY":"4"}`, "", 4},
		{`{"PRIORITY":"2"}`, "", 2},
	}
	for _, c := range cases {
		e, err := decodeEntry([]byte(c.line))
		if err != nil || string(e.message) != c.msg || e.priority != c.prio {
			t.Errorf("%s: got %q prio %d, %v", c.line, e.message, e.priority, err)
		}
	}
	if _, err := decodeEntry([]byte("not json")); err == nil {
		t.Error("bad line decoded")
	}
}

func TestJournalArgs(t *testing.T) {
	since := time.Unix(1700000000, 123456000)
	cases := []struct {
		opts LogOptions
		want []string
	}{
		{LogOptions{Unit: "a.service", Tail: -1},
			[]string{"_SYSTEMD_UNIT=a.service", "_TRANSPORT=stdout"}},
		{LogOptions{Unit: "a.service", Tail: 5, Identifier: "web"},
			[]string{"--lines=5", "_SYSTEMD_UNIT=a.service", "_TRANSPORT=stdout", "SYSLOG_IDENTIFIER=web"}},
		{LogOptions{Unit: "a.service", Tail: -1, Follow: true, Since: since},
			[]string{"--follow", "--lines=all", "--since=@1700000000.123456", "_SYSTEMD_UNIT=a.service", "_TRANSPORT=stdout"}},
	}
	base := []string{"--output=json", "--no-pager", "--quiet", "--all"}
	for _, c := range cases {
		if got := journalArgs(c.opts); !slices.Equal(got, append(base, c.want...)) {
			t.Errorf("%+v: got %q", c.opts, got)
		}
	}
}

// TestLogsSplitsStreams runs Logs against a fake journalctl.
func TestLogsSplitsStreams(t *testing.T) {
	fake := filepath.Join(t.TempDir(), "journalctl")
	script := "#!/bin/sh\n" +
		`echo '{"MESSAGE":"out one","PRIORITY":"6"}'` + "\n" +
		`echo '{"MESSAGE":"err one","PRIORITY":"3"}'` + "\n" +
		`echo '{"MESSAGE":[111,117,116],"PRIORITY":"6"}'` + "\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	defer func(old string) { journalctl = old }(journalctl)
	journalctl = fake

	var out, errOut bytes.Buffer
	if err := Logs(context.Background(), LogOptions{Unit: "a.service", Tail: -1}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if out.String() != "out one\nout\n" || errOut.String() != "err one\n" {
		t.Fatalf("stdout %q, stderr %q", out.String(), errOut.String())
	}
}

func TestLogsNeedsUnit(t *testing.T) {
	err := Logs(context.Background(), LogOptions{}, nil, nil)
	if !errdefs.IsInvalidArgument(err) {
		t.Fatalf("got %v", err)
	}
}
