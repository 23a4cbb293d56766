package state

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

var ctx = context.Background()

func TestAddAndGetByNameIDAndPrefix(t *testing.T) {
	s, _ := openTemp(t)
	id := testID("1a2b3c4d5e6f", 1)
	if err := s.AddContainer(ctx, minimal(id, "web")); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"web", id, id[:12], id[:1]} {
		if got := mustGet(t, s, ref); got.ID != id || got.Name != "web" {
			t.Errorf("Container(%q) = %s %s", ref, got.ID, got.Name)
		}
	}
	for _, ref := range []string{"we", "web2", "1a2b3c4d5e6e", id + "0", "1A2B"} {
		_, err := s.Container(ctx, ref)
		if !errdefs.IsNotFound(err) {
			t.Errorf("Container(%q) = %v, want not found", ref, err)
		}
	}
	_, err := s.Container(ctx, "x")
	if want := `no container with name or ID "x" found: not found`; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

func TestDuplicateNameOrIDChangesNothing(t *testing.T) {
	s, _ := openTemp(t)
	id := testID("1a2b3c4d5e6f", 1)
	if err := s.AddContainer(ctx, minimal(id, "web")); err != nil {
		t.Fatal(err)
	}
	err := s.AddContainer(ctx, minimal(testID("", 2), "web"))
	want := `container name "web" is already in use by 1a2b3c4d5e6f: already exists`
	if !errdefs.IsAlreadyExists(err) || err.Error() != want {
		t.Errorf("duplicate name: %v, want %q", err, want)
	}
	err = s.AddContainer(ctx, minimal(id, "other"))
	if !errdefs.IsAlreadyExists(err) || !strings.Contains(err.Error(), `"web"`) {
		t.Errorf("duplicate ID: %v", err)
	}
	all, err := s.Containers(ctx)
	if err != nil || len(all) != 1 || !reflect.DeepEqual(all[0], minimal(id, "web")) {
		t.Errorf("after refused adds: %v %+v", err, all)
	}
}

func TestInvalidRecords(t *testing.T) {
	s, _ := openTemp(t)
	bad := []*model.Container{nil, minimal("", "a"), minimal("abc", "a"),
		minimal(strings.ToUpper(testID("ab", 1)), "a"), minimal(testID("", 1), "")}
	for _, c := range bad {
		if err := s.AddContainer(ctx, c); !errdefs.IsInvalidArgument(err) {
			t.Errorf("AddContainer(%+v) = %v, want invalid argument", c, err)
		}
	}
	if _, err := s.Container(ctx, ""); !errdefs.IsInvalidArgument(err) {
		t.Errorf("Container(\"\") = %v", err)
	}
}

func TestAmbiguousPrefix(t *testing.T) {
	s, _ := openTemp(t)
	a, b := testID("abc1", 1), testID("abc2", 2)
	for i, id := range []string{a, b} {
		if err := s.AddContainer(ctx, minimal(id, "c"+string(rune('0'+i)))); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.Container(ctx, "abc")
	if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "ambiguous") {
		t.Errorf("Container(abc) = %v, want ambiguous", err)
	}
	if got := mustGet(t, s, "abc2"); got.ID != b {
		t.Errorf("Container(abc2) = %s", got.ID)
	}
}

func TestExactMatchBeatsPrefix(t *testing.T) {
	s, _ := openTemp(t)
	a, b := testID("abc1", 1), testID("abc2", 2)
	mustAdd(t, s, minimal(a, "abc"))
	mustAdd(t, s, minimal(b, "other"))
	if got := mustGet(t, s, "abc"); got.ID != a {
		t.Errorf("name abc resolved to %s, want the exact name", got.ID)
	}
	mustAdd(t, s, minimal(testID("", 3), b)) // a name that is another's ID
	if got := mustGet(t, s, b); got.ID != b {
		t.Errorf("full ID resolved to %s, want the ID's owner", got.ID)
	}
}

func TestUpdateRoundTripsEveryField(t *testing.T) {
	s, _ := openTemp(t)
	id := testID("", 1)
	addFullPod(t, s)
	mustAdd(t, s, minimal(id, "web"))
	want := full(id, "web")
	requireAllSet(t, reflectValue(want), "Container")
	got, err := s.UpdateContainer(ctx, id, func(c *model.Container) error {
		*c = *full(id, "web")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("UpdateContainer returned\n%+v\nwant\n%+v", got, want)
	}
	if read := mustGet(t, s, id); !reflect.DeepEqual(read, want) {
		t.Errorf("stored\n%+v\nwant\n%+v", read, want)
	}
}

func TestTimesAreStoredInUTC(t *testing.T) {
	s, _ := openTemp(t)
	id := testID("", 1)
	c := minimal(id, "web")
	zone := time.FixedZone("X", 5*3600)
	c.Created = time.Date(2025, 1, 2, 8, 0, 0, 0, zone)
	mustAdd(t, s, c)
	if c.Created.Location() != zone {
		t.Error("AddContainer changed the caller's record")
	}
	got := mustGet(t, s, id)
	if got.Created.Location() != time.UTC || !got.Created.Equal(c.Created) {
		t.Errorf("Created = %v, want %v in UTC", got.Created, c.Created)
	}
}

func TestUpdateErrorLeavesRowUnchanged(t *testing.T) {
	s, _ := openTemp(t)
	id := testID("", 1)
	addFullPod(t, s)
	mustAdd(t, s, full(id, "web"))
	boom := errors.New("boom")
	_, err := s.UpdateContainer(ctx, id, func(c *model.Container) error {
		c.State.ExitCode = 99
		c.Name = "changed"
		return boom
	})
	if err != boom {
		t.Errorf("UpdateContainer = %v, want fn's own error", err)
	}
	if got := mustGet(t, s, id); !reflect.DeepEqual(got, full(id, "web")) {
		t.Errorf("row changed by failed update: %+v", got)
	}
}

func TestUpdateRenameAndRefusals(t *testing.T) {
	s, _ := openTemp(t)
	a, b := testID("", 1), testID("", 2)
	mustAdd(t, s, minimal(a, "web"))
	mustAdd(t, s, minimal(b, "db"))
	rename := func(to string) error {
		_, err := s.UpdateContainer(ctx, a, func(c *model.Container) error { c.Name = to; return nil })
		return err
	}
	if err := rename("db"); !errdefs.IsAlreadyExists(err) {
		t.Errorf("rename onto db = %v", err)
	}
	if err := rename("front"); err != nil || mustGet(t, s, "front").ID != a {
		t.Errorf("rename to front = %v", err)
	}
	_, err := s.UpdateContainer(ctx, a, func(c *model.Container) error { c.ID = b; return nil })
	if !errdefs.IsInvalidArgument(err) {
		t.Errorf("ID change = %v", err)
	}
	_, err = s.UpdateContainer(ctx, testID("", 3), func(*model.Container) error { return nil })
	if !errdefs.IsNotFound(err) {
		t.Errorf("update of missing = %v", err)
	}
}

func TestRemove(t *testing.T) {
	s, _ := openTemp(t)
	id := testID("", 1)
	mustAdd(t, s, minimal(id, "web"))
	if err := s.RemoveContainer(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Container(ctx, "web"); !errdefs.IsNotFound(err) {
		t.Errorf("after remove: %v", err)
	}
	if err := s.RemoveContainer(ctx, id); !errdefs.IsNotFound(err) {
		t.Errorf("second remove = %v, want not found", err)
	}
	mustAdd(t, s, minimal(id, "web")) // the name and ID are free again
}

func TestContainersOrder(t *testing.T) {
	s, _ := openTemp(t)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, n := range []int{3, 1, 2, 0} {
		c := minimal(testID("", 10-i), "c"+string(rune('a'+i)))
		c.Created = base.Add(time.Duration(n/2) * time.Second)
		mustAdd(t, s, c)
	}
	all, err := s.Containers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range all {
		got = append(got, c.Name)
	}
	// created 0s: cb (id 9), cd (id 7); created 1s: ca (id 10), cc (id 8)
	if want := "cd cb cc ca"; strings.Join(got, " ") != want {
		t.Errorf("order = %v, want %s", got, want)
	}
}

func mustAdd(t *testing.T, s *Store, c *model.Container) {
	t.Helper()
	if err := s.AddContainer(ctx, c); err != nil {
		t.Fatal(err)
	}
}

func reflectValue(c *model.Container) reflect.Value { return reflect.ValueOf(*c) }

// TestExactNeverTakesAPrefix: what --replace and a unit file's commands name
// is a name or a full ID; a name no container or pod has is not found,
// though it begins one ID ("abc2") or several ("abc"). People's lookups
// still take the prefix.
func TestExactNeverTakesAPrefix(t *testing.T) {
	s, _ := openTemp(t)
	a, b := testID("abc1", 1), testID("abc2", 2)
	mustAdd(t, s, minimal(a, "web"))
	mustAdd(t, s, minimal(b, "db"))
	mustAddPod(t, s, minimalPod(a, "web"))
	mustAddPod(t, s, minimalPod(b, "db"))
	lookups := map[string]func(ref string) (string, error){
		"ContainerExact": func(ref string) (string, error) {
			c, err := s.ContainerExact(ctx, ref)
			if err != nil {
				return "", err
			}
			return c.ID, nil
		},
		"PodExact": func(ref string) (string, error) {
			p, err := s.PodExact(ctx, ref)
			if err != nil {
				return "", err
			}
			return p.ID, nil
		},
	}
	for name, lookup := range lookups {
		for _, ref := range []string{"ab", "abc", "abc2", a[:12]} {
			if _, err := lookup(ref); !errdefs.IsNotFound(err) {
				t.Errorf("%s(%s): %v, want not found", name, ref, err)
			}
		}
		for ref, want := range map[string]string{"db": b, a: a, b: b, "web": a} {
			if id, err := lookup(ref); err != nil || id != want {
				t.Errorf("%s(%s) = %s, %v; want %s", name, ref, id, err, want)
			}
		}
	}
	if c, err := s.Container(ctx, "abc2"); err != nil || c.ID != b {
		t.Errorf("Container(abc2) = %v, %v: the prefix is for people", c, err)
	}
	if p, err := s.Pod(ctx, "abc2"); err != nil || p.ID != b {
		t.Errorf("Pod(abc2) = %v, %v: the prefix is for people", p, err)
	}
}
