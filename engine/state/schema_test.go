package state

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"modernc.org/sqlite"
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
	want := map[string]int{"busy_timeout": 10000, "foreign_keys": 1, "synchronous": 1, "mmap_size": 268435456}
	for p, w := range want {
		var v int
		if err := s.db.QueryRow("PRAGMA " + p).Scan(&v); err != nil || v != w {
			t.Errorf("PRAGMA %s = %d, %v; want %d", p, v, err, w)
		}
	}
}

// TestCloseKeepsAnEmptyWAL: a closed store leaves its -wal and -shm in
// place (the next process does not make them anew), the WAL emptied, and
// everything committed in the database file itself: a copy of that file
// alone holds the record.
func TestCloseKeepsAnEmptyWAL(t *testing.T) {
	s, path := openTemp(t)
	if mode, err := s.persistWAL(); err != nil || mode != 1 {
		t.Fatalf("SQLITE_FCNTL_PERSIST_WAL = %d, %v; want 1", mode, err)
	}
	mustAdd(t, s, minimal(testID("", 7), "kept"))
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("the open store's WAL holds nothing: %v", err)
	}
	s.Close()
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); err != nil {
			t.Errorf("%s gone after close: %v", suffix, err)
		}
	}
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() != 0 {
		t.Fatalf("the WAL after close: %v, %v; want it empty", fi.Size(), err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	alone := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(alone, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(alone)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := mustGet(t, s2, "kept"); got.ID != testID("", 7) {
		t.Errorf("the database file alone holds %s", got.ID)
	}
}

// persistWAL reports the connection's SQLITE_FCNTL_PERSIST_WAL (tests).
func (s *Store) persistWAL() (mode int, err error) {
	conn, err := s.db.Conn(context.Background())
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	err = conn.Raw(func(c any) error {
		fc, ok := c.(sqlite.FileControl)
		if !ok {
			return fmt.Errorf("the driver's connection has no file control")
		}
		mode, err = fc.FileControlPersistWAL("main", -1)
		return err
	})
	return mode, err
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

// upgraded closes db, the old schema's, and opens its file as a Store, which
// upgrades it; the test fails if that does not work.
func upgraded(t *testing.T, db *sql.DB, path string) *Store {
	t.Helper()
	db.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// insertTorn writes a damaged record, named torn: its data is not JSON.
func insertTorn(t *testing.T, db *sql.DB, id string) {
	t.Helper()
	if _, err := db.Exec(`INSERT INTO containers (id, name, created, data) VALUES (?, 'torn', 0, '{"id":')`, id); err != nil {
		t.Fatal(err)
	}
}

func TestUpgradeFromVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "podunit.db")
	db := atVersion(t, path, 1)
	old := minimal(testID("", 1), "web")
	insertOld(t, db, old)
	s := upgraded(t, db, path)
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
// the upgrade fills the indexed column from it, and a damaged record (not
// JSON) gets none instead of failing the upgrade.
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
	insertTorn(t, db, testID("", 4))
	s := upgraded(t, db, path)
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
	if want := []string{podID, "", ""}; !reflect.DeepEqual(pods, want) {
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

// A version 6 database holds statuses only in the records' JSON: the upgrade
// fills the status column from it, a damaged record (not JSON) gets an empty one and
// still opens, and the status filter of EachContainer reads the column.
func TestUpgradeFromVersion6FillsStatus(t *testing.T) {
	path := filepath.Join(t.TempDir(), "podunit.db")
	db := atVersion(t, path, 6)
	created, running := minimal(testID("", 1), "created"), minimal(testID("", 2), "running")
	running.State.Status, running.State.Pid = model.Running, 42
	insertOld(t, db, created)
	insertOld(t, db, running)
	insertTorn(t, db, testID("", 3))
	s := upgraded(t, db, path)
	statuses := map[string]string{}
	rows, err := s.db.Query(`SELECT name, status FROM containers`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, status string
		if err := rows.Scan(&name, &status); err != nil {
			t.Fatal(err)
		}
		statuses[name] = status
	}
	if want := map[string]string{"created": "created", "running": "running", "torn": ""}; !reflect.DeepEqual(statuses, want) {
		t.Fatalf("status column = %v, want %v", statuses, want)
	}
	if got := names(t, s, model.Running); got != "running" {
		t.Errorf("EachContainer(running) = %q, want running", got)
	}
}

// The status column follows every write of a record: EachContainer with
// statuses lists by what the records say now.
func TestEachContainerByStatus(t *testing.T) {
	s, _ := openTemp(t)
	for i, n := range []string{"a", "b", "c"} {
		mustAdd(t, s, minimal(testID("", i+1), n))
	}
	if got := names(t, s, model.Running); got != "" {
		t.Errorf("running before any start = %q", got)
	}
	for _, i := range []int{1, 3} { // a and c
		if _, err := s.UpdateContainer(ctx, testID("", i), func(c *model.Container) error {
			c.State.Status, c.State.Pid = model.Running, 42
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if got := names(t, s, model.Running); got != "a c" {
		t.Errorf("running = %q, want a c", got)
	}
	if _, err := s.UpdateContainer(ctx, testID("", 1), func(c *model.Container) error {
		c.State.Status, c.State.Pid = model.Exited, 0
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := names(t, s, model.Running, model.Created); got != "b c" {
		t.Errorf("running or created = %q, want b c", got)
	}
	if got := names(t, s); got != "a b c" {
		t.Errorf("all = %q, want a b c", got)
	}
}

// names lists the names EachContainer hands over for statuses, sorted.
func names(t *testing.T, s *Store, statuses ...model.Status) string {
	t.Helper()
	var got []string
	if err := s.EachContainer(ctx, statuses, func(c *model.Container) error {
		got = append(got, c.Name)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	return strings.Join(got, " ")
}

// TestColumnsOutOfStep: rows whose name, pod or status column was changed
// by hand are found (a damaged record and the rows left alone are not), and
// an update that changes nothing writes the columns again.
func TestColumnsOutOfStep(t *testing.T) {
	s, _ := openTemp(t)
	podID := testID("", 9)
	mustAddPod(t, s, minimalPod(podID, "p"))
	for _, c := range []*model.Container{minimal(testID("", 1), "a"), minimal(testID("", 2), "b"),
		member(testID("", 3), "c", podID), minimal(testID("", 4), "d")} {
		mustAdd(t, s, c)
	}
	insertTorn(t, s.db, testID("", 5))
	for _, change := range []string{
		`UPDATE containers SET status = 'running' WHERE name = 'a'`,
		`UPDATE containers SET name = 'bee' WHERE name = 'b'`,
		`UPDATE containers SET pod = '' WHERE name = 'c'`,
	} {
		if _, err := s.db.Exec(change); err != nil {
			t.Fatal(err)
		}
	}
	ids, err := s.ColumnsOutOfStep(ctx)
	slices.Sort(ids)
	if want := []string{testID("", 1), testID("", 2), testID("", 3)}; err != nil || !slices.Equal(ids, want) {
		t.Fatalf("ColumnsOutOfStep = %v, %v; want %v", ids, err, want)
	}
	for _, id := range ids {
		if _, err := s.UpdateContainer(ctx, id, func(*model.Container) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if ids, err := s.ColumnsOutOfStep(ctx); err != nil || len(ids) != 0 {
		t.Errorf("after the updates: %v, %v", ids, err)
	}
	if got := names(t, s, model.Running); got != "" {
		t.Errorf("running after the repair = %q", got)
	}
}
