package engine

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/spec"
)

func TestParseDevice(t *testing.T) {
	cases := map[string]model.Device{
		"/dev/fuse":            {PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm"},
		"/dev/fuse:r":          {PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "r"},
		"/dev/fuse:/dev/f":     {PathOnHost: "/dev/fuse", PathInContainer: "/dev/f", CgroupPermissions: "rwm"},
		"/dev/fuse:/dev/f/:mw": {PathOnHost: "/dev/fuse", PathInContainer: "/dev/f", CgroupPermissions: "mw"},
	}
	for in, want := range cases {
		if got, err := ParseDevice(in); err != nil || got != want {
			t.Errorf("ParseDevice(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "fuse", "/dev/fuse:f", "/dev/fuse:/f:x", "/dev/fuse:/f:rr", "/a:/b:r:w"} {
		if _, err := ParseDevice(bad); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "--device") {
			t.Errorf("ParseDevice(%q) = %v", bad, err)
		}
	}
}

// TestValidateDevices: a device missing on the host, a plain file and a
// bad rule are refused at create, naming the flag and the value.
func TestValidateDevices(t *testing.T) {
	ok := model.Storage{Devices: []model.Device{{PathOnHost: "/dev/null", PathInContainer: "/dev/n", CgroupPermissions: "rw"}}, DeviceCgroupRules: []string{"c 1:3 r"}}
	if err := validateDevices(&ok); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []model.Storage{
		{Devices: []model.Device{{PathOnHost: "/dev/podunit-no-such-device", PathInContainer: "/dev/x", CgroupPermissions: "rwm"}}},
		{Devices: []model.Device{{PathOnHost: "/etc/hostname", PathInContainer: "/dev/x", CgroupPermissions: "rwm"}}},
		{Devices: []model.Device{{PathOnHost: t.TempDir(), PathInContainer: "/dev/x", CgroupPermissions: "rwm"}}},
		{DeviceCgroupRules: []string{"c 1:3 rwx"}},
	} {
		err := validateDevices(&bad)
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "--device") {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

// TestCompleteMounts: an anonymous volume gets a fresh 64-hex name; a
// glob binds each match under the destination, keeping the options.
func TestCompleteMounts(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"liba.so", "libb.so", "other"} {
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	cfg := model.Config{Mounts: []model.Mount{
		{Type: model.MountVolume, Destination: "/data", Anonymous: true},
		{Type: model.MountGlob, Source: filepath.Join(dir, "lib*"), Destination: "/libs", ReadOnly: true, Options: []string{"rshared"}},
	}}
	if err := completeMounts(&cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Mounts) != 3 || len(cfg.Mounts[0].Source) != 64 || !cfg.Mounts[0].Anonymous {
		t.Fatalf("mounts = %+v", cfg.Mounts)
	}
	for i, name := range []string{"liba.so", "libb.so"} {
		m := cfg.Mounts[i+1]
		if m.Type != model.MountBind || m.Source != filepath.Join(dir, name) || m.Destination != "/libs/"+name ||
			!m.ReadOnly || !slices.Equal(m.Options, []string{"rshared"}) {
			t.Errorf("glob bind %d = %+v", i, m)
		}
	}
	for _, bad := range []string{filepath.Join(dir, "nothing*"), "rel*", filepath.Join(dir, "[")} {
		cfg := model.Config{Mounts: []model.Mount{{Type: model.MountGlob, Source: bad, Destination: "/x"}}}
		if err := completeMounts(&cfg); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "type=glob") {
			t.Errorf("glob %q: %v", bad, err)
		}
	}
}

func TestValidateMountKinds(t *testing.T) {
	for _, ok := range []model.Mount{
		{Type: model.MountImage, Source: "busybox", Destination: "/img"},
		{Type: model.MountDevpts, Destination: "/dev/pts2"},
		{Type: model.MountRamfs, Destination: "/r"},
	} {
		if err := validateMount(ok); err != nil {
			t.Errorf("%+v: %v", ok, err)
		}
	}
	for _, bad := range []model.Mount{
		{Type: model.MountImage, Destination: "/img"},
		{Type: model.MountDevpts, Source: "/x", Destination: "/dev/pts2"},
		{Type: model.MountRamfs, Destination: "r"},
		{Type: "nfs", Destination: "/n"},
	} {
		if err := validateMount(bad); !errdefs.IsInvalidArgument(err) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

// TestOverlayInput: an O mount becomes an overlay on fresh upper and work
// directories, bind options dropped and others kept.
func TestOverlayInput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "overlay", "0")
	os.MkdirAll(filepath.Join(dir, "upper", "stale"), 0o755)
	sm, err := overlayInput(specMountFor("/src", "/dst", "rbind", "rshared"), dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"upperdir=" + dir + "/upper", "workdir=" + dir + "/work", "rshared"}
	if sm.Type != "overlay" || sm.Source != "/src" || !slices.Equal(sm.Options, want) {
		t.Errorf("overlay = %+v", sm)
	}
	if _, err := os.Stat(filepath.Join(dir, "upper", "stale")); !os.IsNotExist(err) {
		t.Error("a previous start's upper directory survived")
	}
	// O,upperdir=,workdir=: the given directories, left as they are
	given := specMountFor("/src", "/dst", "upperdir=/keep/u", "workdir=/keep/w", "rbind")
	if sm, err := overlayInput(given, dir); err != nil || sm.Type != "overlay" ||
		!slices.Equal(sm.Options, []string{"upperdir=/keep/u", "workdir=/keep/w"}) {
		t.Errorf("overlay with given dirs = %+v, %v", sm, err)
	}
}

func specMountFor(src, dst string, opts ...string) spec.Mount {
	return spec.Mount{Source: src, Destination: dst, Options: opts}
}

func TestValidateRootfs(t *testing.T) {
	if err := validateRootfs(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	for _, bad := range []string{"rel", "/podunit-no-such-dir", file, t.TempDir() + ":O", t.TempDir() + ":idmap"} {
		if err := validateRootfs(bad); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "--rootfs") {
			t.Errorf("validateRootfs(%q) = %v", bad, err)
		}
	}
}
