package image

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestPushThenPull(t *testing.T) {
	rf := startRegistry(t)
	s := newStore(t, "vfs")
	load(t, s, fixtures.dockerArchive)
	local, err := s.Resolve(ctx, "busybox")
	if err != nil {
		t.Fatal(err)
	}
	dest := rf.host + "/podunit/pushed:1"
	if err := s.Push(ctx, "busybox", dest, PushOptions{RegistryOptions: rf.reg}); err != nil {
		t.Fatal(err)
	}
	img, err := rf.pull(newStore(t, "vfs"), dest, "")
	if err != nil {
		t.Fatal(err)
	}
	if img.ID != local.ID || !reflect.DeepEqual(img.Config, local.Config) {
		t.Errorf("pulled back %+v, want %+v", img, local)
	}

	if err := s.Tag(ctx, "busybox", rf.host+"/podunit/own:2"); err != nil {
		t.Fatal(err)
	}
	if err := s.Push(ctx, rf.host+"/podunit/own:2", "", PushOptions{RegistryOptions: rf.reg}); err != nil {
		t.Fatalf("push to its own name: %v", err)
	}
	archive := filepath.Join(t.TempDir(), "pushed.tar")
	if err := s.Push(ctx, "busybox", "docker-archive:"+archive, PushOptions{}); err != nil {
		t.Fatalf("push to docker-archive: %v", err)
	}
	if names := load(t, newStore(t, "vfs"), archive); len(names) != 1 {
		t.Errorf("loaded %v from the pushed archive", names)
	}
}

func TestPushErrors(t *testing.T) {
	rf := startRegistry(t)
	s := newStore(t, "vfs")
	load(t, s, fixtures.dockerArchive)
	err := s.Push(ctx, "nothere", rf.host+"/podunit/x:1", PushOptions{RegistryOptions: rf.reg})
	wantErr(t, err, errdefs.ErrNotFound, "nothere")
	closed := registryFor(t, closedPort(t))
	err = s.Push(ctx, "busybox", closed.host+"/podunit/x:1", PushOptions{RegistryOptions: closed.reg})
	wantErr(t, err, errdefs.ErrUnavailable, "busybox", closed.host+"/podunit/x:1", "connection refused")
	img, _ := s.Resolve(ctx, "busybox")
	err = s.Push(ctx, img.ID, "", PushOptions{RegistryOptions: rf.reg})
	wantErr(t, err, errdefs.ErrInvalidArgument, "destination")
	err = s.Push(ctx, "busybox", "Bad Name", PushOptions{RegistryOptions: rf.reg})
	wantErr(t, err, errdefs.ErrInvalidArgument, "Bad Name")
}

func TestSaveDockerArchive(t *testing.T) {
	s := newStore(t, "vfs")
	load(t, s, fixtures.dockerArchive)
	load(t, s, fixtures.ociArchive)
	out := filepath.Join(t.TempDir(), "both.tar")
	if err := s.Save(ctx, []string{"busybox", "localhost/busybox:oci"}, out, ""); err != nil {
		t.Fatal(err)
	}
	names := load(t, newStore(t, "vfs"), out)
	slices.Sort(names)
	if want := []string{"localhost/busybox:latest", "localhost/busybox:oci"}; !reflect.DeepEqual(names, want) {
		t.Errorf("loaded %v, want %v", names, want)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("output: %v, %v", fi, err)
	}
	if err := s.Save(ctx, []string{"busybox"}, out, FormatDockerArchive); err != nil {
		t.Errorf("saving over an existing file: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestSaveOCIArchive(t *testing.T) {
	s := newStore(t, "vfs")
	load(t, s, fixtures.dockerArchive)
	want, _ := s.Resolve(ctx, "busybox")
	out := filepath.Join(t.TempDir(), "oci.tar")
	if err := s.Save(ctx, []string{"busybox"}, out, FormatOCIArchive); err != nil {
		t.Fatal(err)
	}
	other := newStore(t, "vfs")
	if names := load(t, other, out); !reflect.DeepEqual(names, []string{"localhost/busybox:latest"}) {
		t.Errorf("loaded %v", names)
	}
	got, err := other.Resolve(ctx, "busybox")
	if err != nil || !reflect.DeepEqual(got.Config, want.Config) {
		t.Errorf("loaded image %+v, %v; want config %+v", got, err, want.Config)
	}
}

func TestSaveErrors(t *testing.T) {
	s := newStore(t, "vfs")
	load(t, s, fixtures.dockerArchive)
	dir := t.TempDir()
	out := filepath.Join(dir, "x.tar")
	wantErr(t, s.Save(ctx, []string{"nothere"}, out, ""), errdefs.ErrNotFound, "nothere")
	wantErr(t, s.Save(ctx, []string{"busybox"}, out, "tarball"), errdefs.ErrInvalidArgument, "tarball")
	wantErr(t, s.Save(ctx, []string{"busybox", "busybox"}, out, FormatOCIArchive), errdefs.ErrInvalidArgument, "one image")
	wantErr(t, s.Save(ctx, nil, out, ""), errdefs.ErrInvalidArgument)
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("failed saves left files: %v", left)
	}
}
