package state

import (
	"database/sql"
	"fmt"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestReopenKeepsDataAndVersion(t *testing.T) {
	s, path := openTemp(t)
	id := testID("", 1)
	mustAdd(t, s, full(id, "web"))
	s.Close()
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := mustGet(t, s2, "web"); got.ID != id {
		t.Errorf("after reopen: %s", got.ID)
	}
	if v, err := userVersion(ctx, s2.db); err != nil || v != len(migrations) {
		t.Errorf("user_version = %d, %v; want %d", v, err, len(migrations))
	}
	var mode string
	if err := s2.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v", mode, err)
	}
}

func TestConnectionPragmas(t *testing.T) {
	s, _ := openTemp(t)
	want := map[string]int{"busy_timeout": 10000, "foreign_keys": 1, "synchronous": 1}
	for p, w := range want {
		var v int
		if err := s.db.QueryRow("PRAGMA " + p).Scan(&v); err != nil || v != w {
			t.Errorf("PRAGMA %s = %d, %v; want %d", p, v, err, w)
		}
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	_, path := openTemp(t)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(fmt.Sprintf("PRAGMA user_version = %d", len(migrations)+1))
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); !errdefs.IsNotImplemented(err) {
		t.Errorf("Open of a newer schema = %v", err)
	}
}

func TestOpenRefusesQuestionMark(t *testing.T) {
	if _, err := Open(t.TempDir() + "/a?b.db"); !errdefs.IsInvalidArgument(err) {
		t.Errorf("Open(a?b.db) = %v", err)
	}
}
