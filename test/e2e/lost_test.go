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
	t.Parallel()
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

// mustSettled runs podunit with args (`run -d`, `start`) and fails unless
// the state database's files (the database, its WAL) were last written
// before the command returned, and stay as they are for a while: a command
// that has returned leaves no process writing them (unit-start closes its
// store before READY=1, and the command returns only after systemd has
// it). The command itself may write until it exits: its own close
// checkpoints the WAL when unit-start's could not. File times come from
// the kernel's coarse clock, never ahead of the real time, so a write
// before the return can never look like one after it.
func mustSettled(t *testing.T, e *env, args ...string) {
	t.Helper()
	e.must(args...)
	returned := time.Now()
	look := func() string {
		var b strings.Builder
		for _, p := range []string{e.stateDB(), e.stateDB() + "-wal"} {
			fi, err := os.Stat(p)
			if err != nil {
				fmt.Fprintf(&b, "%s none; ", filepath.Base(p))
				continue
			}
			if fi.ModTime().After(returned) {
				t.Errorf("%s was written at %s, after %v returned at %s", p, fi.ModTime().UTC(), args, returned.UTC())
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
