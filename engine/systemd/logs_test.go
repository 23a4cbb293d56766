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
		{LogOptions{Unit: "a.service", Tail: 5, Identifier: "web", Since: since},
			[]string{"--since=@1700000000.123456", "_SYSTEMD_UNIT=a.service", "_TRANSPORT=stdout", "SYSLOG_IDENTIFIER=web"}},
		{LogOptions{Unit: "a.service", Tail: -1, Follow: true, Since: since},
			[]string{"--follow", "--lines=all", "--since=@1700000000.123456", "_SYSTEMD_UNIT=a.service", "_TRANSPORT=stdout"}},
	}
	base := []string{"--output=json", "--no-pager", "--quiet", "--all"}
	for _, c := range cases {
		if got := journalArgs(c.opts, ""); !slices.Equal(got, append(base, c.want...)) {
			t.Errorf("%+v: got %q", c.opts, got)
		}
	}
	after := journalArgs(LogOptions{Unit: "a.service", Follow: true, Since: since}, "s=1")
	if want := append(base, "--follow", "--lines=all", "--after-cursor=s=1", "_SYSTEMD_UNIT=a.service", "_TRANSPORT=stdout"); !slices.Equal(after, want) {
		t.Errorf("after a cursor: got %q", after)
	}
}

// TestLogsTailPrintsTheLast: --tail N is the last N entries, also when a
// since time is given (journalctl's --lines then counts from the start),
// and a follow goes on after the last entry printed.
func TestLogsTailPrintsTheLast(t *testing.T) {
	fake := filepath.Join(t.TempDir(), "journalctl")
	script := "#!/bin/sh\n" +
		`case "$*" in *--follow*) for a; do case $a in --after-cursor=*) echo "{\"MESSAGE\":\"$a\"}";; esac; done; exit 0;; esac` + "\n" +
		`for i in 1 2 3 4 5; do echo "{\"MESSAGE\":\"line $i\",\"__CURSOR\":\"c$i\"}"; done` + "\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	defer func(old string) { journalctl = old }(journalctl)
	journalctl = fake
	cases := []struct {
		opts LogOptions
		want string
	}{
		{LogOptions{Unit: "a.service", Tail: 2, Since: time.Unix(1, 0)}, "line 4\nline 5\n"},
		{LogOptions{Unit: "a.service", Tail: 0}, ""},
		{LogOptions{Unit: "a.service", Tail: 9}, "line 1\nline 2\nline 3\nline 4\nline 5\n"},
		{LogOptions{Unit: "a.service", Tail: -1}, "line 1\nline 2\nline 3\nline 4\nline 5\n"},
		{LogOptions{Unit: "a.service", Tail: 1, Follow: true}, "line 5\n--after-cursor=c5\n"},
	}
	for _, c := range cases {
		var out bytes.Buffer
		if err := Logs(context.Background(), c.opts, &out, &out); err != nil {
			t.Fatal(err)
		}
		if out.String() != c.want {
			t.Errorf("%+v: printed %q, want %q", c.opts, out.String(), c.want)
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
