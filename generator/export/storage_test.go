package export

import (
	"slices"
	"testing"

	"github.com/podunit/podunit/engine/model"
)

// TestStorageFlags: every mount kind, device and rule is written back as
// the flag that makes it again.
func TestStorageFlags(t *testing.T) {
	cfg := model.Config{Mounts: []model.Mount{
		{Type: model.MountVolume, Source: "0123abcd", Destination: "/anon", Anonymous: true},
		{Type: model.MountVolume, Source: "data", Destination: "/data", ReadOnly: true, Options: []string{"nocopy", "U"}},
		{Type: model.MountBind, Source: "/h", Destination: "/c", Options: []string{"O", "rshared"}},
		{Type: model.MountImage, Source: "f00d", Destination: "/img", ReadOnly: true},
		{Type: model.MountDevpts, Destination: "/dev/pts2", Options: []string{"mode=600"}},
		{Type: model.MountRamfs, Destination: "/r", ReadOnly: true, Options: []string{"mode=700"}},
	}}
	cfg.Devices = []model.Device{{PathOnHost: "/dev/fuse", PathInContainer: "/dev/f", CgroupPermissions: "rw"}}
	cfg.DeviceCgroupRules = []string{"c 1:3 rwm"}
	cfg.NoReadOnlyTmpfs = true
	want := []string{"-v", "/anon", "-v", "data:/data:ro,nocopy,U", "-v", "/h:/c:O,rshared",
		"--mount", "type=image,src=f00d,dst=/img", "--mount", "type=devpts,dst=/dev/pts2,mode=600",
		"--mount", "type=ramfs,dst=/r,ro=true,tmpfs-mode=700",
		"--device", "/dev/fuse:/dev/f:rw", "--device-cgroup-rule", "c 1:3 rwm", "--read-only-tmpfs=false"}
	if got := storageFlags(&cfg); !slices.Equal(got, want) {
		t.Errorf("storageFlags:\n got %q\nwant %q", got, want)
	}
}
