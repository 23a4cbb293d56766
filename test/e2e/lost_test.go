package e2e

import (
	"os"
	"strings"
	"testing"
	"time"
)

// loseState empties (or deletes) e's state database as a crash of the
// file system or a careless hand would.
func (e *env) loseState(remove bool) {
	e.t.Helper()
	if e.sb != nil {
		// a unit's unit-start may still close its database (a WAL
		// checkpoint writes the file) after run -d has returned
		eventually(e.t, 20*time.Second, "unit-start processes to end", func() bool {
			_, _, code, _ := e.sb.Exec("pgrep", "-f", "podunit .*unit-start")
			return code == 1
		})
	}
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
