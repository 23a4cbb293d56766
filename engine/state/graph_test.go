package state

import (
	"context"
	"reflect"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// TestContainerGraph: what a rootfs was made of is kept beside the record,
// not in it (a listing decodes no paths), read back as written, forgotten
// with nil and by a rebuild of the record; an unknown ID is not found.
func TestContainerGraph(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	c := minimal(testID("", 1), "a")
	mustAdd(t, s, c)
	if g, err := s.ContainerGraph(ctx, c.ID); err != nil || g != nil {
		t.Fatalf("a new record's graph: %+v, %v; want none", g, err)
	}
	want := &model.Graph{Driver: "overlay", ImageDigest: "sha256:" + testID("", 2),
		Dirs: map[string]string{"UpperDir": "/s/overlay/l/diff", "LowerDir": "/s/overlay/i/diff:/s/overlay/j/diff"}}
	if err := s.SetContainerGraph(ctx, c.ID, want); err != nil {
		t.Fatal(err)
	}
	if g, err := s.ContainerGraph(ctx, c.ID); err != nil || !reflect.DeepEqual(g, want) {
		t.Errorf("graph read back: %+v, %v; want %+v", g, err, want)
	}
	if got := mustGet(t, s, c.ID); !reflect.DeepEqual(got, c) {
		t.Errorf("the record changed with its graph: %+v", got)
	}
	var data string
	if err := s.db.QueryRowContext(ctx, `SELECT data FROM containers WHERE id = ?`, c.ID).Scan(&data); err != nil {
		t.Fatal(err)
	}
	if enc, _ := encode(c); data != enc {
		t.Errorf("the record's JSON holds more than the container: %s", data)
	}
	if _, err := s.UpdateContainer(ctx, c.ID, func(r *model.Container) error { r.State.Pid = 7; return nil }); err != nil {
		t.Fatal(err)
	}
	if g, _ := s.ContainerGraph(ctx, c.ID); !reflect.DeepEqual(g, want) {
		t.Errorf("an update of the record lost its graph: %+v", g)
	}

	if err := s.SetContainerGraph(ctx, c.ID, nil); err != nil {
		t.Fatal(err)
	}
	if g, err := s.ContainerGraph(ctx, c.ID); err != nil || g != nil {
		t.Errorf("graph after nil: %+v, %v", g, err)
	}
	if err := s.SetContainerGraph(ctx, c.ID, want); err != nil {
		t.Fatal(err)
	}
	if err := s.PutContainer(ctx, c); err != nil {
		t.Fatal(err)
	}
	if g, err := s.ContainerGraph(ctx, c.ID); err != nil || g != nil {
		t.Errorf("a rebuilt record keeps the old graph: %+v, %v", g, err)
	}

	gone := testID("", 9)
	if err := s.SetContainerGraph(ctx, gone, want); !errdefs.IsNotFound(err) {
		t.Errorf("SetContainerGraph of an unknown ID: %v", err)
	}
	if _, err := s.ContainerGraph(ctx, gone); !errdefs.IsNotFound(err) {
		t.Errorf("ContainerGraph of an unknown ID: %v", err)
	}
}
