package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/model"
)

func TestParseVolumeForms(t *testing.T) {
	cases := map[string]model.Mount{
		"/data":               {Type: "volume", Destination: "/data", Anonymous: true},
		"/data:ro":            {Type: "volume", Destination: "/data", Anonymous: true, ReadOnly: true},
		"/h:/c:U,O,z,Z":       {Type: "bind", Source: "/h", Destination: "/c", Options: []string{"U", "O"}},
		"vol:/c:ro,nocopy,U":  {Type: "volume", Source: "vol", Destination: "/c", ReadOnly: true, Options: []string{"nocopy", "U"}},
		"/h:/c:rshared,rbind": {Type: "bind", Source: "/h", Destination: "/c", Options: []string{"rshared", "rbind"}},
		"/h:/c:O,upperdir=/u,workdir=/w": {Type: "bind", Source: "/h", Destination: "/c",
			Options: []string{"O", "upperdir=/u", "workdir=/w"}},
	}
	for in, want := range cases {
		got, err := parseVolume(in)
		if err != nil || got.Type != want.Type || got.Source != want.Source || got.Destination != want.Destination ||
			got.ReadOnly != want.ReadOnly || got.Anonymous != want.Anonymous || !slices.Equal(got.Options, want.Options) {
			t.Errorf("parseVolume(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	bad := map[string]string{
		"/h:/c:idmap=uids=0-1":          "maps of its own",
		"/data:bogus":                   `unknown option "bogus"`,
		"/h:/c:nocopy":                  "named volumes only",
		"rel":                           "want /host/path",
		"/h:/c:upperdir=/u,workdir=/w":  "options of O",
		"/h:/c:O,upperdir=/u":           "go together",
		"/h:/c:O,upperdir=u,workdir=/w": "absolute",
	}
	for in, why := range bad {
		if _, err := parseVolume(in); err == nil || !strings.Contains(err.Error(), why) || !strings.Contains(err.Error(), in) {
			t.Errorf("parseVolume(%q) = %v, want an error naming it and saying %q", in, err, why)
		}
	}
}

func TestParseMountTypes(t *testing.T) {
	mounts, tmpfs, err := parseMounts([]string{
		"type=image,src=busybox,dst=/img",
		"type=devpts,target=/dev/pts2,uid=0,gid=5,mode=620,max=10",
		"type=ramfs,dst=/r,ro=true,tmpfs-mode=700",
		"type=glob,src=/usr/lib/lib*,dst=/libs,ro",
		"type=volume,dst=/anon",
		"type=bind,src=/h,dst=/c,U=true",
		"type=tmpfs,dst=/t",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Mount{
		{Type: "image", Source: "busybox", Destination: "/img", ReadOnly: true},
		{Type: "devpts", Destination: "/dev/pts2", Options: []string{"uid=0", "gid=5", "max=10", "mode=620"}},
		{Type: "ramfs", Destination: "/r", ReadOnly: true, Options: []string{"mode=700"}},
		{Type: "glob", Source: "/usr/lib/lib*", Destination: "/libs", ReadOnly: true},
		{Type: "volume", Destination: "/anon", Anonymous: true},
		{Type: "bind", Source: "/h", Destination: "/c", Options: []string{"U"}},
	}
	if len(mounts) != len(want) || len(tmpfs) != 1 {
		t.Fatalf("parseMounts = %+v, %q", mounts, tmpfs)
	}
	for i, m := range mounts {
		w := want[i]
		if m.Type != w.Type || m.Source != w.Source || m.Destination != w.Destination || m.ReadOnly != w.ReadOnly ||
			m.Anonymous != w.Anonymous || !slices.Equal(m.Options, w.Options) {
			t.Errorf("mount %d = %+v, want %+v", i, m, w)
		}
	}
	for _, bad := range []string{"type=nfs,dst=/x", "type=image,dst=/x",
		"type=devpts,dst=/x,uid=me", "type=devpts,dst=/x,src=/y", "type=ramfs,dst=/x,tmpfs-mode=999",
		"type=bind,src=/h,dst=/c,idmap=maybe", "type=glob,dst=/x"} {
		if _, _, err := parseMounts([]string{bad}); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("parseMounts(%q) = %v, want an error naming it", bad, err)
		}
	}
}

func TestDevFlags(t *testing.T) {
	f := devFlags{devices: []string{"/dev/fuse", "/dev/null:/dev/n", "/dev/zero:r", "/dev/full:/dev/f:rw"},
		deviceRules: []string{"c 1:3 rwm"}, readOnlyTmpfs: false}
	var s model.Storage
	if err := f.apply(&s); err != nil {
		t.Fatal(err)
	}
	want := []model.Device{{PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm"}, {PathOnHost: "/dev/null", PathInContainer: "/dev/n", CgroupPermissions: "rwm"},
		{PathOnHost: "/dev/zero", PathInContainer: "/dev/zero", CgroupPermissions: "r"}, {PathOnHost: "/dev/full", PathInContainer: "/dev/f", CgroupPermissions: "rw"}}
	if !slices.Equal(s.Devices, want) || !s.NoReadOnlyTmpfs || len(s.DeviceCgroupRules) != 1 {
		t.Fatalf("apply = %+v", s)
	}
	for _, bad := range []string{"dev/fuse", "/dev/fuse:x", "/dev/fuse:/f:rwx", "/a:/b:r:w", "/dev/fuse:rel:r"} {
		f := devFlags{devices: []string{bad}}
		if err := f.apply(&model.Storage{}); err == nil || !strings.Contains(err.Error(), "--device") || !strings.Contains(err.Error(), bad) {
			t.Errorf("--device %q: %v, want an error naming flag and value", bad, err)
		}
	}
}

// TestApplyRootfs: with --rootfs the image argument is a directory, made
// absolute, and no image is named.
func TestApplyRootfs(t *testing.T) {
	o := engine.CreateOptions{Image: "rel/dir"}
	if err := (&devFlags{rootfs: true}).applyRootfs(&o); err != nil {
		t.Fatal(err)
	}
	if o.Image != "" || !filepath.IsAbs(o.Rootfs) || !strings.HasSuffix(o.Rootfs, "/rel/dir") {
		t.Errorf("applyRootfs = image %q, rootfs %q", o.Image, o.Rootfs)
	}
	o = engine.CreateOptions{Image: "bb"}
	if err := (&devFlags{}).applyRootfs(&o); err != nil || o.Image != "bb" || o.Rootfs != "" {
		t.Errorf("without --rootfs: %+v, %v", o, err)
	}
}
