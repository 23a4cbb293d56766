package image

import "testing"

func TestOwnedRootfsCarryTheirRecord(t *testing.T) {
	s := newStore(t, "vfs")
	load(t, s, fixtures.dockerArchive)
	img, err := s.Resolve(ctx, "busybox")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRootfs(ctx, img.ID, ctrID(1), "foreign"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRootfsRecord(ctx, img.ID, ctrID(2), "ours", []byte(`{"v":1}`)); err != nil {
		t.Fatal(err)
	}
	owned, err := s.OwnedRootfs()
	if err != nil || len(owned) != 1 || owned[0].ID != ctrID(2) || owned[0].Name != "ours" ||
		string(owned[0].Record) != `{"v":1}` || owned[0].ImageID != img.ID {
		t.Fatalf("OwnedRootfs = %+v, %v; want only ours with its record", owned, err)
	}
	if err := s.SetRecord(ctrID(2), []byte(`{"v":2}`)); err != nil {
		t.Fatal(err)
	}
	if owned, _ := s.OwnedRootfs(); string(owned[0].Record) != `{"v":2}` {
		t.Errorf("SetRecord did not replace the copy: %s", owned[0].Record)
	}
	if removed, err := s.RemoveUnused(img.ID); removed || err != nil {
		t.Errorf("RemoveUnused of an image in use: %v, %v", removed, err)
	}
	for _, id := range []string{ctrID(1), ctrID(2)} {
		if err := s.DeleteRootfs(id); err != nil {
			t.Fatal(err)
		}
	}
	if removed, err := s.RemoveUnused(img.ID); !removed || err != nil || s.HasImage(img.ID) {
		t.Errorf("RemoveUnused of an unused image: %v, %v", removed, err)
	}
}
