package image

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/test/testimage"
)

var ctx = context.Background()

func TestImportRootfsTar(t *testing.T) {
	s := newStore(t, "vfs")
	before := time.Now().Add(-time.Second)
	id, err := s.Import(ctx, fixtures.rootfsTar, "bb")
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != id || !reflect.DeepEqual(list[0].Names, []string{"localhost/bb:latest"}) {
		t.Fatalf("List = %+v, want one image %s named localhost/bb:latest", list, id)
	}
	bb, _ := os.Stat(testimage.BusyboxPath)
	if sum := list[0]; sum.Size < bb.Size() || !strings.HasPrefix(sum.Digest, "sha256:") ||
		sum.Created.Before(before) || sum.Created.After(time.Now()) {
		t.Errorf("summary = %+v", sum)
	}
	in, err := s.Inspect(ctx, "bb")
	if err != nil {
		t.Fatal(err)
	}
	if in.ID != id || in.Os != "linux" || in.Architecture != runtime.GOARCH || in.RootFS.Type != "layers" ||
		!reflect.DeepEqual(in.RepoTags, []string{"localhost/bb:latest"}) ||
		!reflect.DeepEqual(in.RootFS.Layers, []string{"sha256:" + fileSHA256(t, fixtures.rootfsTar)}) ||
		len(in.RepoDigests) != 1 || in.RepoDigests[0] != "localhost/bb@"+in.Digest ||
		in.ManifestType != "application/vnd.oci.image.manifest.v1+json" || len(in.Config.Cmd) != 0 {
		t.Errorf("Inspect = %+v", in)
	}
}

func TestImportNames(t *testing.T) {
	s := newStore(t, "vfs")
	if _, err := s.Import(ctx, fixtures.rootfsTar, "bb:1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Resolve(ctx, "localhost/bb:1"); err != nil {
		t.Errorf("bb:1 not stored as localhost/bb:1: %v", err)
	}
	if _, err := s.Import(ctx, fixtures.rootfsTar, "BadName"); !errdefs.IsInvalidArgument(err) ||
		!strings.Contains(err.Error(), "BadName") {
		t.Errorf("Import of an invalid name: %v, want invalid argument naming it", err)
	}
	junk := writeJunk(t, []byte("not a tar at all, not at all"))
	if _, err := s.Import(ctx, junk, "junk"); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), junk) {
		t.Errorf("Import of junk: %v, want invalid argument naming the file", err)
	}
}

func fileSHA256(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func TestLoadDockerArchive(t *testing.T) {
	s := newStore(t, "vfs")
	var progress bytes.Buffer
	names, err := s.Load(ctx, fixtures.dockerArchive, &progress)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(names, []string{"localhost/busybox:latest"}) {
		t.Fatalf("names = %q", names)
	}
	if !strings.Contains(progress.String(), "Copying") {
		t.Errorf("no progress written: %q", progress.String())
	}
	img, err := s.Resolve(ctx, "busybox")
	if err != nil {
		t.Fatal(err)
	}
	want := ImageConfig{Env: testConfig.Env, Cmd: testConfig.Cmd, Entrypoint: testConfig.Entrypoint,
		WorkingDir: "/tmp", User: "app", StopSignal: "SIGINT", Labels: testConfig.Labels}
	if !reflect.DeepEqual(img.Config, want) || img.Name != "localhost/busybox:latest" {
		t.Errorf("Resolve = %+v, want config %+v", img, want)
	}
	in, err := s.Inspect(ctx, img.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !in.Created.Equal(testimage.Epoch) || in.Labels["org.example"] != "yes" || len(in.RootFS.Layers) != 1 {
		t.Errorf("Inspect = %+v", in)
	}
}

func TestLoadOCIArchive(t *testing.T) {
	s := newStore(t, "vfs")
	names := load(t, s, fixtures.ociArchive)
	if !reflect.DeepEqual(names, []string{"localhost/busybox:oci"}) {
		t.Fatalf("names = %q", names)
	}
	img, err := s.Resolve(ctx, "busybox:oci")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(img.Config.Cmd, []string{"sh"}) || !reflect.DeepEqual(img.Config.Env, []string{testimage.DefaultPath}) {
		t.Errorf("config = %+v", img.Config)
	}
}

// The same image through both formats is one image with two names.
func TestLoadBothFormatsDeduplicates(t *testing.T) {
	s := newStore(t, "vfs")
	dir := t.TempDir()
	d, o := filepath.Join(dir, "d.tar"), filepath.Join(dir, "o.tar")
	if err := testimage.DockerArchive(d, "localhost/a:1", testimage.Config{}); err != nil {
		t.Fatal(err)
	}
	if err := testimage.OCIArchive(o, "quay.io/b/c:2", testimage.Config{}); err != nil {
		t.Fatal(err)
	}
	load(t, s, d)
	load(t, s, o)
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || !reflect.DeepEqual(sorted(list[0].Names), []string{"localhost/a:1", "quay.io/b/c:2"}) {
		t.Errorf("List = %+v", list)
	}
}

func TestLoadCorrupt(t *testing.T) {
	s := newStore(t, "vfs")
	load(t, s, fixtures.ociArchive)
	before := snapshot(t, s)
	random := make([]byte, 64<<10)
	rand.Read(random)
	docker, _ := os.ReadFile(fixtures.dockerArchive)
	oci, _ := os.ReadFile(fixtures.ociArchive)
	cases := map[string][]byte{
		"random":            random,
		"empty":             nil,
		"truncated-docker":  docker[:len(docker)/2],
		"truncated-oci":     oci[:len(oci)-2048],
		"plain-rootfs-tar":  mustRead(t, fixtures.rootfsTar),
		"truncated-at-1024": docker[:1024],
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			p := writeJunk(t, data)
			names, err := s.Load(ctx, p, nil)
			if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), p) {
				t.Errorf("Load = %q, %v; want invalid argument naming %s", names, err, p)
			}
			if after := snapshot(t, s); !reflect.DeepEqual(after, before) {
				t.Errorf("store changed: %v → %v", before, after)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	s := newStore(t, "vfs")
	p := filepath.Join(t.TempDir(), "nosuch.tar")
	if _, err := s.Load(ctx, p, nil); !errdefs.IsNotFound(err) || !strings.Contains(err.Error(), p) {
		t.Errorf("Load of a missing file: %v, want not found naming it", err)
	}
	if _, err := s.Import(ctx, p, "x"); !errdefs.IsNotFound(err) {
		t.Errorf("Import of a missing file: %v, want not found", err)
	}
}

// snapshot is what a failed Load must leave alone: images and their names, and layers.
func snapshot(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	imgs, err := s.store.Images()
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range imgs {
		out = append(out, "image "+i.ID+" "+strings.Join(i.Names, ","))
	}
	layers, err := s.store.Layers()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layers {
		out = append(out, "layer "+l.ID)
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeJunk(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "archive.tar")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
