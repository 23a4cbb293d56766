package e2e

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sql runs statements on e's state database with the sqlite3 shell, as a
// torn write or a hand edit would change it, and returns what it printed.
func (e *env) sql(stmts string) string {
	e.t.Helper()
	out, err := exec.Command("sqlite3", e.stateDB(), stmts).CombinedOutput()
	if err != nil {
		e.t.Fatalf("sqlite3 %q: %v\n%s", stmts, err, out)
	}
	return strings.TrimSpace(string(out))
}

// stateDB is e's state database.
func (e *env) stateDB() string { return filepath.Join(e.dir, "root", "podunit", "state.db") }

// TestDamagedRecordIsSkippedAndRemovable: a record whose JSON is cut off,
// or whose name is empty, neither fails ps -a nor blocks rm -f of the
// others; ps warns naming its ID, and rm -f ID removes it and its rootfs.
func TestDamagedRecordIsSkippedAndRemovable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	for name, damage := range map[string]string{
		"cut-off JSON": `UPDATE containers SET data = substr(data, 1, 20) WHERE name = 'b'`,
		"empty name":   `UPDATE containers SET data = json_set(data, '$.name', '') WHERE name = 'b'`,
	} {
		t.Run(name, func(t *testing.T) {
			e := e.on(t)
			for _, n := range []string{"a", "b", "c"} {
				e.must("create", "--name", n, "bb", "true")
			}
			bad := e.field("b", "{{.ID}}")
			e.sql(damage)
			r := e.run("ps", "-a", "--format", "{{.Names}}")
			if r.code != 0 || r.out != "a\nc\n" {
				t.Fatalf("ps -a with one damaged record: exit %d, out %q, err %q; want a and c", r.code, r.out, r.err)
			}
			if !strings.Contains(r.err, bad[:12]) {
				t.Errorf("ps -a does not name the damaged record %s on stderr: %q", bad[:12], r.err)
			}
			e.must("rm", "-f", "a")
			if r := e.run("rm", bad); r.code != 125 || !strings.Contains(r.err, "damaged") {
				t.Errorf("rm without -f of a damaged record: exit %d, %q", r.code, r.err)
			}
			e.must("rm", "-f", bad)
			e.must("rm", "-f", "c")
			if out := e.sql(`SELECT count(*) FROM containers`); out != "0" {
				t.Errorf("%s records remain", out)
			}
			if ids := storageContainers(t, e); slices.Contains(ids, bad) {
				t.Errorf("the damaged record's storage container remains: %v", ids)
			}
		})
	}
}

// TestRmStorageIgnoreAll: rm --storage removes a storage container no record
// holds (here, one whose record was deleted by hand) and refuses one of
// podunit's; rm -i takes a missing name as done; rm -a -f removes them all.
func TestRmStorageIgnoreAll(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("create", "--name", "lost", "bb", "true")
	e.must("create", "--name", "kept", "bb", "true")
	lost := e.field("lost", "{{.ID}}")
	e.sql("DELETE FROM containers WHERE id = '" + lost + "'")
	if r := e.run("rm", "lost"); r.code != 1 {
		t.Errorf("rm of a container without record: exit %d, want 1 (no such container): %s", r.code, r.err)
	}
	if r := e.run("rm", "--storage", "kept"); r.code != 2 || !strings.Contains(r.err, "without --storage") {
		t.Errorf("rm --storage of podunit's own container: exit %d, stderr %q", r.code, r.err)
	}
	e.must("rm", "--storage", "lost")
	if ids := storageContainers(t, e); slices.Contains(ids, lost) || len(ids) != 1 {
		t.Errorf("after rm --storage lost, storage holds %v", ids)
	}
	if r := e.run("rm", "-i", "nosuch"); r.code != 0 {
		t.Errorf("rm -i nosuch: exit %d, stderr %q", r.code, r.err)
	}
	e.must("create", "--name", "more", "bb", "true")
	e.must("rm", "-a", "-f", "-t", "0")
	if out := e.must("ps", "-aq"); out != "" || len(storageContainers(t, e)) != 0 {
		t.Errorf("rm -a -f left %q and storage %v", out, storageContainers(t, e))
	}
}
