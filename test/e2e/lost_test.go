package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// loseState empties (or deletes) e's state database as a crash of the
// file system or a careless hand would.
func (e *env) loseState(remove bool) {
	e.t.Helper()
	for _, suffix := range []string{"-wal", "-shm"} {
		_ = os.Remove(e.stateDB() + suffix)
	}
	var err error
	if remove {
		err = os.Remove(e.stateDB())
	} else {
		err = os.Truncate(e.stateDB(), 0)
	}
	if err != nil {
		e.t.Fatal(err)
	}
}

// TestLostStateIsRefused: an emptied or deleted state.db, while a
// container's storage lives on, is not taken for a new installation:
// every command fails naming the file, and nothing is written over it.
// A new installation, with nothing of podunit's, still just works.
func TestLostStateIsRefused(t *testing.T) {
	fresh := newEnv(t, nil, "runc")
	fresh.must("ps", "-a")
	for name, remove := range map[string]bool{"emptied": false, "deleted": true} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, nil, "runc")
			e.image()
			e.must("create", "--name", "kept", "bb", "true")
			e.loseState(remove)
			for _, args := range [][]string{{"ps", "-a"}, {"create", "--name", "new", "bb", "true"}} {
				r := e.run(args...)
				if r.code != 125 || !strings.Contains(r.err, e.stateDB()) || !strings.Contains(r.err, "system check --repair") {
					t.Errorf("%v over a lost state.db: exit %d, %q; want 125 naming the file and the repair", args, r.code, r.err)
				}
			}
			if _, err := os.Stat(e.stateDB()); err == nil {
				if v := e.sql("PRAGMA user_version"); v != "0" {
					t.Errorf("a schema (version %s) was written over the lost database", v)
				}
			}
		})
	}
}

// stateSettled fails unless the state database's files (the database,
// its WAL) were last written before systemd took the unit's READY=1 (so
// before `run -d` or `start` could return), and stay as they are for a
// while: a command that has returned leaves no process writing them.
func stateSettled(t *testing.T, e *env, unit string) {
	t.Helper()
	out := strings.TrimSpace(e.sb.Run(t, "systemctl", "show", "-P", "ActiveEnterTimestamp", "--timestamp=us+utc", unit))
	ready, err := time.Parse("Mon 2006-01-02 15:04:05.000000 MST", out)
	if err != nil {
		t.Fatalf("%s's ActiveEnterTimestamp %q: %v", unit, out, err)
	}
	look := func() string {
		var b strings.Builder
		for _, p := range []string{e.stateDB(), e.stateDB() + "-wal"} {
			fi, err := os.Stat(p)
			if err != nil {
				fmt.Fprintf(&b, "%s none; ", filepath.Base(p))
				continue
			}
			if fi.ModTime().After(ready) {
				t.Errorf("%s was written at %s, after %s became active at %s", p, fi.ModTime().UTC(), unit, ready)
			}
			fmt.Fprintf(&b, "%s %d %s; ", filepath.Base(p), fi.Size(), fi.ModTime().Format(time.RFC3339Nano))
		}
		return b.String()
	}
	before := look()
	time.Sleep(time.Second)
	if after := look(); after != before {
		t.Errorf("the state database changed after the command returned:\nbefore %s\nafter  %s", before, after)
	}
}
