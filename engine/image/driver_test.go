package image

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	graphdriver "go.podman.io/storage/drivers"
)

// TestPriorDriver: the driver read off the graph root is the one
// containers/storage takes as a prior driver, and none where storage
// decides by more than the root (no state, state of several drivers, vfs
// state with the default priority, which storage does not take).
func TestPriorDriver(t *testing.T) {
	for _, tc := range []struct {
		name     string
		dirs     []string
		priority []string
		want     string
	}{
		{"empty root", nil, nil, ""},
		{"overlay state", []string{"overlay"}, nil, "overlay"},
		{"vfs state, default priority", []string{"vfs"}, nil, ""},
		{"vfs state, vfs named in the priority", []string{"vfs"}, []string{"overlay", "vfs"}, "vfs"},
		{"overlay state, not in the priority", []string{"overlay"}, []string{"vfs"}, ""},
		{"two drivers' state", []string{"overlay", "vfs"}, nil, ""},
		{"other directories only", []string{"overlay-images", "vfs-layers", "tmp"}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for _, d := range tc.dirs {
				if err := os.Mkdir(filepath.Join(root, d), 0o700); err != nil {
					t.Fatal(err)
				}
			}
			if got := priorDriver(root, tc.priority); got != tc.want {
				t.Errorf("priorDriver = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestDriverWithoutOpening: a store whose driver no configuration names
// answers Driver from the root's prior state without opening, and the
// answer is the driver containers/storage's own pick (drivers.New)
// makes on that root; without prior state it opens the store to ask.
func TestDriverWithoutOpening(t *testing.T) {
	for _, driver := range []string{"overlay", "vfs"} {
		t.Run(driver, func(t *testing.T) {
			first := newStore(t, driver)
			load(t, first, fixtures.dockerArchive) // the root now holds driver's state
			if _, err := first.store.Shutdown(true); err != nil {
				t.Fatal(err)
			}
			first.store = nil
			s, err := Open(Config{Root: first.Root(), RunRoot: first.RunRoot()})
			if err != nil {
				t.Fatal(err)
			}
			s.opts.GraphDriverName = "" // as without storage.conf or --storage-driver
			s.opts.GraphDriverPriority = []string{driver}
			got := s.Driver()
			if s.store != nil {
				t.Fatal("Driver() opened the store to learn what the root says")
			}
			d, err := graphdriver.New("", graphdriver.Options{Root: s.Root(), RunRoot: s.RunRoot(), DriverPriority: []string{driver}})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Cleanup()
			if got != d.String() {
				t.Fatalf("Driver() = %q, containers/storage picks %q", got, d.String())
			}
		})
	}
	t.Run("no prior state", func(t *testing.T) {
		dir := t.TempDir()
		s, err := Open(Config{Root: filepath.Join(dir, "root"), RunRoot: filepath.Join(dir, "run")})
		if err != nil {
			t.Fatal(err)
		}
		s.opts.GraphDriverName = ""
		s.opts.GraphDriverPriority = []string{"vfs"}
		if got := s.Driver(); got != "vfs" {
			t.Fatalf("Driver() = %q, want vfs", got)
		}
		if s.store == nil {
			t.Fatal("Driver() answered without opening a store whose root says nothing")
		}
		if _, err := s.store.Shutdown(true); err != nil {
			t.Error(err)
		}
	})
}

// TestRefusedStoreStaysClosed: a store opened with Config.Refuse answers
// every use with that error and makes nothing on disk, though a store on
// the same root without it opens and lists the image there.
func TestRefusedStoreStaysClosed(t *testing.T) {
	first := newStore(t, "vfs")
	load(t, first, fixtures.dockerArchive)
	refusal := errors.New("not here")
	dir := t.TempDir()
	for _, root := range []string{first.Root(), filepath.Join(dir, "root")} {
		s, err := Open(Config{Root: root, RunRoot: filepath.Join(dir, "run"), Driver: "vfs", Refuse: refusal})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.List(context.Background()); !errors.Is(err, refusal) {
			t.Errorf("List on %s: %v, want the refusal", root, err)
		}
		if _, err := s.RootfsGraph(strings.Repeat("ab", 32)); !errors.Is(err, refusal) {
			t.Errorf("RootfsGraph on %s: %v, want the refusal", root, err)
		}
		if s.store != nil {
			t.Errorf("the refused store on %s opened", root)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused store made %v", entries)
	}
	if list, err := first.List(context.Background()); err != nil || len(list) != 1 {
		t.Errorf("the same root without the refusal lists %v, %v", list, err)
	}
}
