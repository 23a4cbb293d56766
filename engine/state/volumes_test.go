package state

import (
	"reflect"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// testVolume is a volume with every field set, its time in UTC.
func testVolume(name string) *model.Volume {
	return &model.Volume{
		Name: name, Driver: "local", Created: time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC),
		Labels: map[string]string{"k": "v"}, Options: map[string]string{"type": "tmpfs", "o": "size=1m"},
		Mountpoint: "/var/lib/podunit/volumes/" + name + "/_data", NeedsCopyUp: true,
	}
}

// volumeUser is a container mounting the named volume at /data.
func volumeUser(id, name, volume string) *model.Container {
	c := minimal(id, name)
	c.Config.Mounts = []model.Mount{
		{Type: "bind", Source: "/h", Destination: "/h"},
		{Type: model.MountVolume, Source: volume, Destination: "/data"},
	}
	return c
}

func mustAddVolume(t *testing.T, s *Store, v *model.Volume) {
	t.Helper()
	if err := s.AddVolume(ctx, v); err != nil {
		t.Fatal(err)
	}
}

func TestVolumeAddGetList(t *testing.T) {
	s, _ := openTemp(t)
	requireAllSet(t, reflect.ValueOf(*testVolume("x")), "Volume")
	for _, n := range []string{"web", "db", "cache"} {
		mustAddVolume(t, s, testVolume(n))
	}
	got, err := s.Volume(ctx, "web")
	if err != nil || !reflect.DeepEqual(got, testVolume("web")) {
		t.Fatalf("Volume(web) = %+v, %v", got, err)
	}
	all, err := s.Volumes(ctx)
	if err != nil || len(all) != 3 || all[0].Name != "cache" || all[1].Name != "db" || all[2].Name != "web" {
		t.Fatalf("Volumes = %+v, %v; want cache, db, web", all, err)
	}
	_, err = s.Volume(ctx, "we")
	if want := `no volume with name "we" found: not found`; !errdefs.IsNotFound(err) || err.Error() != want {
		t.Errorf("Volume(we) = %v, want %q", err, want)
	}
	if _, err := s.Volume(ctx, ""); !errdefs.IsInvalidArgument(err) {
		t.Errorf("Volume(\"\") = %v", err)
	}
}

func TestVolumeNameTakenChangesNothing(t *testing.T) {
	s, _ := openTemp(t)
	mustAddVolume(t, s, testVolume("data"))
	other := testVolume("data")
	other.Labels = map[string]string{"other": "1"}
	err := s.AddVolume(ctx, other)
	if want := `volume with name "data" already exists: already exists`; !errdefs.IsAlreadyExists(err) || err.Error() != want {
		t.Errorf("AddVolume of a taken name = %v, want %q", err, want)
	}
	if got, _ := s.Volume(ctx, "data"); !reflect.DeepEqual(got, testVolume("data")) {
		t.Errorf("after a refused add: %+v", got)
	}
	for _, bad := range []*model.Volume{nil, {Driver: "local"}, {Name: "x"}} {
		if err := s.AddVolume(ctx, bad); !errdefs.IsInvalidArgument(err) {
			t.Errorf("AddVolume(%+v) = %v", bad, err)
		}
	}
}

func TestVolumeUpdate(t *testing.T) {
	s, _ := openTemp(t)
	mustAddVolume(t, s, testVolume("data"))
	v, err := s.UpdateVolume(ctx, "data", func(v *model.Volume) error { v.NeedsCopyUp = false; return nil })
	if err != nil || v.NeedsCopyUp {
		t.Fatalf("UpdateVolume = %+v, %v", v, err)
	}
	if got, _ := s.Volume(ctx, "data"); got.NeedsCopyUp {
		t.Error("NeedsCopyUp not stored")
	}
	_, err = s.UpdateVolume(ctx, "data", func(v *model.Volume) error { v.Name = "other"; return nil })
	if !errdefs.IsInvalidArgument(err) {
		t.Errorf("rename = %v", err)
	}
	if _, err := s.UpdateVolume(ctx, "nope", func(*model.Volume) error { return nil }); !errdefs.IsNotFound(err) {
		t.Errorf("update of a missing volume = %v", err)
	}
}

func TestVolumeUsersAndRemove(t *testing.T) {
	s, _ := openTemp(t)
	mustAddVolume(t, s, testVolume("data"))
	mustAddVolume(t, s, testVolume("free"))
	mustAdd(t, s, volumeUser(testID("", 1), "web", "data"))
	mustAdd(t, s, volumeUser(testID("", 2), "db", "data"))
	mustAdd(t, s, volumeUser(testID("", 3), "other", "elsewhere"))
	bind := minimal(testID("", 4), "bind")
	bind.Config.Mounts = []model.Mount{{Source: "data", Destination: "/x"}} // not a volume mount
	mustAdd(t, s, bind)

	users, err := s.VolumeUsers(ctx, "data")
	if err != nil || len(users) != 2 || users[0].Name != "web" || users[1].Name != "db" {
		t.Fatalf("VolumeUsers(data) = %v, %v", users, err)
	}
	err = s.RemoveVolume(ctx, "data")
	want := "volume data is being used by the following containers: web, db: conflict"
	if !errdefs.IsConflict(err) || err.Error() != want {
		t.Errorf("RemoveVolume in use = %v, want %q", err, want)
	}
	if _, err := s.Volume(ctx, "data"); err != nil {
		t.Errorf("a refused remove removed it: %v", err)
	}
	if err := s.RemoveVolume(ctx, "free"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveVolume(ctx, "free"); !errdefs.IsNotFound(err) {
		t.Errorf("second RemoveVolume = %v, want not found", err)
	}
	for _, id := range []string{testID("", 1), testID("", 2)} {
		if err := s.RemoveContainer(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RemoveVolume(ctx, "data"); err != nil {
		t.Errorf("RemoveVolume once unused = %v", err)
	}
}
