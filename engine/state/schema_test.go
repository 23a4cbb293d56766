package state

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

func TestReopenKeepsDataAndVersion(t *testing.T) {
	s, path := openTemp(t)
	id := testID("", 1)
	addFullPod(t, s)
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

// atVersion makes the database at path as an older podunit would have left
// it: only the first v migrations applied.
func atVersion(t *testing.T, path string, v int) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for i := 0; i < v; i++ {
		if _, err := db.Exec(migrations[i]); err != nil {
			t.Fatalf("migration %d: %v", i+1, err)
		}
	}
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", v)); err != nil {
		t.Fatal(err)
	}
	return db
}

// insertOld writes c as a version 1 or 2 schema holds it, with no pod column.
func insertOld(t *testing.T, db *sql.DB, c *model.Container) {
	t.Helper()
	data, err := encode(c)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`INSERT INTO containers (id, name, created, data) VALUES (?, ?, ?, ?)`,
		c.ID, c.Name, c.Created.UnixNano(), data)
	if err != nil {
		t.Fatal(err)
	}
}

func TestUpgradeFromVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "podunit.db")
	db := atVersion(t, path, 1)
	old := minimal(testID("", 1), "web")
	insertOld(t, db, old)
	db.Close()

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := userVersion(ctx, s.db); err != nil || v != len(migrations) {
		t.Errorf("user_version = %d, %v; want %d", v, err, len(migrations))
	}
	if got := mustGet(t, s, "web"); !reflect.DeepEqual(got, old) {
		t.Errorf("after upgrade: %+v", got)
	}
	podID := testID("", 2)
	mustAddPod(t, s, minimalPod(podID, "web"))
	mustAdd(t, s, member(testID("", 3), "member", podID))
	if got := podMembers(t, s, podID); got != "member" {
		t.Errorf("PodContainers = %s", got)
	}
	if err := s.RemovePod(ctx, podID); !errdefs.IsConflict(err) {
		t.Errorf("RemovePod = %v, want conflict", err)
	}
}

// A version 2 database may hold members whose pod is only in their JSON:
// the upgrade fills the indexed column from it.
func TestUpgradeFromVersion2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "podunit.db")
	db := atVersion(t, path, 2)
	podID := testID("", 1)
	data, err := encodePod(minimalPod(podID, "pod"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO pods (id, name, created, data) VALUES (?, ?, 0, ?)`,
		podID, "pod", data); err != nil {
		t.Fatal(err)
	}
	in, out := member(testID("", 2), "in", podID), minimal(testID("", 3), "out")
	insertOld(t, db, in)
	insertOld(t, db, out)
	db.Close()

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := podMembers(t, s, podID); got != "in" {
		t.Errorf("PodContainers = %q, want in", got)
	}
	var pods []string
	rows, err := s.db.Query(`SELECT pod FROM containers ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		pods = append(pods, p)
	}
	if want := []string{podID, ""}; !reflect.DeepEqual(pods, want) {
		t.Errorf("pod column = %q, want %q", pods, want)
	}
	if got := mustGet(t, s, "in"); !reflect.DeepEqual(got, in) {
		t.Errorf("after upgrade: %+v", got)
	}
	err = s.RemovePod(ctx, podID)
	if want := `pod "pod" still has 1 container: conflict`; err == nil || err.Error() != want {
		t.Errorf("RemovePod = %v, want %q", err, want)
	}
}
