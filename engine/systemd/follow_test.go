package systemd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/internal/syncbuf"
)

// fakeJournalctl makes journalctl a script that appends its arguments to
// the returned log, then runs body.
func fakeJournalctl(t *testing.T, dir, body string) string {
	t.Helper()
	log := filepath.Join(dir, "journalctl.log")
	script := "#!/bin/sh\necho \"$*\" >> " + log + "\n" + body + "\n"
	fake := filepath.Join(dir, "journalctl")
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	old := journalctl
	journalctl = fake
	t.Cleanup(func() { journalctl = old })
	return log
}

// TestFollowUntilWithoutTheMark: where the end mark cannot be written (no
// journald here, as on this host), the follow stops and the entries after
// the last one printed are read once more: nothing lost, nothing twice.
func TestFollowUntilWithoutTheMark(t *testing.T) {
	if _, err := os.Stat("/run/systemd/journal/socket"); err == nil {
		t.Skip("a journald runs here: the end mark would be written (TestInSystemdFollowUntil covers that)")
	}
	dir := t.TempDir()
	log := fakeJournalctl(t, dir, `case "$*" in
*--follow*) for i in 1 2 3; do echo "{\"MESSAGE\":\"$i\",\"__CURSOR\":\"c$i\"}"; done; exec sleep 600;;
*--after-cursor=c3*) for i in 4 5; do echo "{\"MESSAGE\":\"$i\",\"__CURSOR\":\"c$i\"}"; done;;
esac`)
	var out syncbuf.Buffer
	done := make(chan struct{})
	ended := make(chan error, 1)
	go func() { ended <- FollowUntil(context.Background(), LogOptions{Unit: "a.service"}, &out, &out, done) }()
	eventuallyTrue(t, func() bool { return out.String() == "1\n2\n3\n" })
	close(done)
	if err := <-ended; err != nil || out.String() != "1\n2\n3\n4\n5\n" {
		t.Fatalf("FollowUntil: %v, printed %q", err, out.String())
	}
	runs, _ := os.ReadFile(log)
	if !strings.Contains(string(runs), endMarkField+"=") {
		t.Errorf("the follow did not ask for its end mark:\n%s", runs)
	}
}

// TestInSystemdFollowUntil follows a unit that prints numbered lines, fast
// at its end, until it exits: every line comes once, in order, up to the
// last, and one journalctl follows throughout, ended by the end mark (no
// second read after a cursor).
func TestInSystemdFollowUntil(t *testing.T) {
	dir, c := inSandbox(t)
	work := mkdir(t, dir, "follow")
	log := fakeJournalctl(t, work, `exec journalctl "$@"`) // the real one, on PATH
	gofile := filepath.Join(work, "go")
	unit := "podunit-test-follow.service"
	script := fmt.Sprintf(`i=0; while [ ! -e %s ]; do i=$((i+1)); echo $i; sleep 0.05; done; `+
		`n=$((i+500)); while [ $i -lt $n ]; do i=$((i+1)); echo $i; done`, gofile)
	if err := c.StartTransient(context.Background(), Transient{Name: unit, ExecStart: []string{"/bin/sh", "-c", script},
		Type: "simple", CollectMode: "inactive-or-failed"}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if s, err := c.State(context.Background(), unit); err == nil && s.LoadState == "not-found" {
				return
			}
		}
	}()
	var out syncbuf.Buffer
	ended := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	go func() { ended <- FollowUntil(ctx, LogOptions{Unit: unit}, &out, &out, done) }()
	eventuallyTrue(t, func() bool { return strings.Count(out.String(), "\n") >= 3 })
	if err := os.WriteFile(gofile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := <-ended; err != nil {
		t.Fatal(err)
	}
	checkConsecutive(t, out.String())
	runs, _ := os.ReadFile(log)
	if strings.Count(string(runs), "--follow") != 1 || strings.Contains(string(runs), "--after-cursor") {
		t.Errorf("journalctl ran as:\n%s\nwant one follow, ended by its end mark", runs)
	}
}

// checkConsecutive: lines are 1, 2, … n, the last 500 after the first.
func checkConsecutive(t *testing.T, out string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for i, l := range lines {
		if n, err := strconv.Atoi(l); err != nil || n != i+1 {
			t.Fatalf("line %d is %q, want %d (a line lost or doubled); all:\n%s", i+1, l, i+1, out)
		}
	}
	if len(lines) < 503 {
		t.Fatalf("%d lines, want the 500 printed at the end too", len(lines))
	}
}

func eventuallyTrue(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("timed out")
}
