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
