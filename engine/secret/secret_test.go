package secret

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
)

func newSecret(name string) *Secret {
	return &Secret{ID: NewID(), Name: name, Driver: Driver, Created: time.Now().UTC(), Updated: time.Now().UTC()}
}

func TestCreateGetValueRemove(t *testing.T) {
	s := New(filepath.Join(t.TempDir(), "secrets"))
	sec := newSecret("db-pass")
	if err := s.Create(sec, []byte("hunter2"), false); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"db-pass", sec.ID, sec.ID[:6]} {
		got, err := s.Get(ref)
		if err != nil || got.ID != sec.ID || got.Name != "db-pass" {
			t.Fatalf("Get(%q) = %+v, %v", ref, got, err)
		}
	}
	if v, err := s.Value("db-pass"); err != nil || string(v) != "hunter2" {
		t.Fatalf("Value = %q, %v", v, err)
	}
	for _, p := range []string{s.DataPath("db-pass"), filepath.Join(s.Dir(), "db-pass", "meta.json")} {
		info, err := os.Stat(p)
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v, mode %v; want 0600", p, err, info.Mode())
		}
	}
	if info, err := os.Stat(s.Dir()); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("store dir mode %v, %v", info.Mode(), err)
	}
	if meta, _ := os.ReadFile(filepath.Join(s.Dir(), "db-pass", "meta.json")); containsBytes(meta, "hunter2") {
		t.Fatal("the value reached the metadata")
	}
	if err := s.Remove("db-pass"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("db-pass"); !errdefs.IsNotFound(err) {
		t.Fatalf("Get after Remove: %v", err)
	}
	if err := s.Remove("db-pass"); !errdefs.IsNotFound(err) {
		t.Fatalf("second Remove: %v", err)
	}
}

func containsBytes(b []byte, s string) bool { return strings.Contains(string(b), s) }

func TestCreateTakenNameAndReplace(t *testing.T) {
	s := New(t.TempDir())
	if err := s.Create(newSecret("a"), []byte("one"), false); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(newSecret("a"), []byte("two"), false); !errdefs.IsAlreadyExists(err) {
		t.Fatalf("second create: %v, want already exists", err)
	}
	if v, _ := s.Value("a"); string(v) != "one" {
		t.Fatalf("a refused create changed the value to %q", v)
	}
	if err := s.Create(newSecret("a"), []byte("two"), true); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Value("a"); string(v) != "two" {
		t.Fatalf("replace left %q", v)
	}
	list, err := s.List()
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %v, %v", list, err)
	}
}

func TestCreateRefusesBadValues(t *testing.T) {
	s := New(t.TempDir())
	for _, v := range [][]byte{nil, make([]byte, MaxSize+1)} {
		if err := s.Create(newSecret("x"), v, false); !errdefs.IsInvalidArgument(err) {
			t.Errorf("%d bytes: %v, want invalid argument", len(v), err)
		}
	}
	if list, _ := s.List(); len(list) != 0 {
		t.Fatalf("a refused create left %v", list)
	}
}

func TestReferencesStayInside(t *testing.T) {
	s := New(filepath.Join(t.TempDir(), "secrets"))
	for _, ref := range []string{"../x", ".new-1", "a/b"} {
		if _, err := s.Value(ref); !errdefs.IsNotFound(err) {
			t.Errorf("Value(%q): %v", ref, err)
		}
		if err := s.Remove(ref); !errdefs.IsNotFound(err) {
			t.Errorf("Remove(%q): %v", ref, err)
		}
	}
}

func TestListSkipsLeftoversAndSweepRemovesOldOnes(t *testing.T) {
	s := New(t.TempDir())
	old := filepath.Join(s.Dir(), ".new-crashed")
	if err := os.MkdirAll(old, 0o700); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	if list, err := s.List(); err != nil || len(list) != 0 {
		t.Fatalf("List = %v, %v", list, err)
	}
	if err := s.Create(newSecret("b"), []byte("v"), false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Fatalf("a crashed create's directory stayed: %v", err)
	}
}

func TestDamagedMetadataIsCorrupt(t *testing.T) {
	s := New(t.TempDir())
	if err := s.Create(newSecret("c"), []byte("v"), false); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.Dir(), "c", "meta.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("c"); !errdefs.IsCorrupt(err) {
		t.Fatalf("Get of damaged metadata: %v", err)
	}
}
