package state

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strconv"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

// damage writes data over the stored record of container id, as a torn
// write or a hand edit would.
func damage(t *testing.T, s *Store, table, id, data string) {
	t.Helper()
	if _, err := s.db.Exec(`UPDATE `+table+` SET data = ? WHERE id = ?`, data, id); err != nil {
		t.Fatal(err)
	}
}

func TestDamagedContainerIsSkippedAndReported(t *testing.T) {
	ctx := context.Background()
	for name, data := range map[string]string{
		"bad JSON":   `{"id": "`,
		"empty name": `{"id":"` + testID("", 2) + `","name":""}`,
		"wrong ID":   `{"id":"` + testID("", 7) + `","name":"b"}`,
	} {
		t.Run(name, func(t *testing.T) {
			s, _ := openTemp(t)
			var warned []error
			s.SetWarn(func(err error) { warned = append(warned, err) })
			for i, n := range []string{"a", "b", "c"} {
				if err := s.AddContainer(ctx, minimal(testID("", i+1), n)); err != nil {
					t.Fatal(err)
				}
			}
			bad := testID("", 2)
			damage(t, s, "containers", bad, data)
			all, err := s.Containers(ctx)
			if err != nil {
				t.Fatalf("one damaged record fails the listing: %v", err)
			}
			if len(all) != 2 || all[0].Name != "a" || all[1].Name != "c" {
				t.Fatalf("listing = %v, want a and c", all)
			}
			var d *DamagedError
			if len(warned) != 1 || !errors.As(warned[0], &d) || d.ID != bad || d.Name != "b" {
				t.Fatalf("warnings = %v, want one naming %s (b)", warned, bad)
			}
			_, err = s.Container(ctx, "b")
			if !errdefs.IsCorrupt(err) || !errors.As(err, &d) || d.ID != bad {
				t.Fatalf("lookup of the damaged record: %v, want its DamagedError", err)
			}
			if err := s.RemoveContainer(ctx, bad); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Container(ctx, bad); !errdefs.IsNotFound(err) {
				t.Fatalf("after removal: %v", err)
			}
		})
	}
}

func TestDamagedPodIsSkipped(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	mustAddPod(t, s, minimalPod(testID("", 1), "p1"))
	mustAddPod(t, s, minimalPod(testID("", 2), "p2"))
	damage(t, s, "pods", testID("", 1), `not json`)
	pods, bad, err := s.ScanPods(ctx)
	if err != nil || len(pods) != 1 || pods[0].Name != "p2" || len(bad) != 1 || bad[0].Name != "p1" {
		t.Fatalf("ScanPods = %v, %v, %v", pods, bad, err)
	}
}

func TestVolumeUsersSurviveADamagedRecord(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	if err := s.AddContainer(ctx, minimal(testID("", 1), "a")); err != nil {
		t.Fatal(err)
	}
	damage(t, s, "containers", testID("", 1), `{`)
	if _, err := s.VolumeUsers(ctx, "v"); err != nil {
		t.Fatalf("a damaged record fails the volume-user query: %v", err)
	}
}

func TestOpenCheckedAsksOnlyWithoutASchema(t *testing.T) {
	s, path := openTemp(t)
	s.Close()
	asked := false
	s, err := OpenChecked(path, func() error { asked = true; return nil })
	if err != nil || asked {
		t.Fatalf("an existing database: asked %v, err %v", asked, err)
	}
	s.Close()
	empty := path + ".empty"
	refuse := errors.New("objects exist")
	if _, err := OpenChecked(empty, func() error { return refuse }); !errors.Is(err, refuse) {
		t.Fatalf("a refused new database opened: %v", err)
	}
	for _, f := range []string{empty, empty + "-wal", empty + ".reserve"} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("the refusal left %s (%v)", f, err)
		}
	}
	s, err = OpenChecked(empty, func() error { return nil })
	if err != nil {
		t.Fatalf("the refusal wrote a schema or broke the file: %v", err)
	}
	s.Close()
}

func TestOpenCheckedRefusalYieldsToAConcurrentSchema(t *testing.T) {
	_, path := openTemp(t)
	empty := path + ".race"
	s, err := OpenChecked(empty, func() error {
		other, err := Open(empty) // another command makes the schema first
		if err != nil {
			t.Fatal(err)
		}
		other.Close()
		return errors.New("objects exist")
	})
	if err != nil {
		t.Fatalf("a refusal over a schema another process made: %v", err)
	}
	s.Close()
}

func TestQuickCheckFindsCorruptPagesAndSetAsideMovesThem(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	for i := 1; i <= 50; i++ {
		if err := s.AddContainer(ctx, minimal(testID("", i), "c"+strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.QuickCheck(ctx); err != nil {
		t.Fatalf("a sound database: %v", err)
	}
	s.Close()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xa5}, 4096), 4096); err != nil {
		t.Fatal(err)
	}
	f.Close()
	s, err = Open(path)
	if err == nil {
		err = s.QuickCheck(ctx)
		s.Close()
	}
	if !errdefs.IsCorrupt(err) {
		t.Fatalf("a database with a garbled page: %v, want ErrCorrupt", err)
	}
	aside, err := SetAside(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(aside); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the damaged file is still in place: %v", err)
	}
}
