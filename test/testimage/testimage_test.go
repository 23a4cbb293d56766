package testimage

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	gtarball "github.com/google/go-containerregistry/pkg/v1/tarball"
)

func TestRootfsTarContentAndDeterminism(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.tar"), filepath.Join(dir, "b.tar")
	for _, p := range []string{a, b} {
		if err := RootfsTar(p); err != nil {
			t.Fatal(err)
		}
	}
	da, db := readFile(t, a), readFile(t, b)
	if !bytes.Equal(da, db) {
		t.Fatal("two RootfsTar runs differ")
	}
	hdrs, files := readTar(t, da)
	bb, _ := os.Stat(BusyboxPath)
	checkHeader(t, hdrs, "bin/busybox", tar.TypeReg, 0o755, 0)
	if got := hdrs["bin/busybox"].Size; got != bb.Size() {
		t.Errorf("bin/busybox size %d, want %d", got, bb.Size())
	}
	for _, a := range Applets {
		if h := hdrs["bin/"+a]; h == nil || h.Typeflag != tar.TypeSymlink || h.Linkname != "busybox" {
			t.Errorf("bin/%s: want symlink to busybox, got %+v", a, h)
		}
	}
	checkHeader(t, hdrs, "tmp/", tar.TypeDir, 0o1777, 0)
	checkHeader(t, hdrs, "home/app/", tar.TypeDir, 0o755, 1000)
	if !strings.Contains(files["etc/passwd"], "app:x:1000:1000:") ||
		!strings.Contains(files["etc/passwd"], "nobody:x:65534:65534:") {
		t.Errorf("etc/passwd = %q", files["etc/passwd"])
	}
	for _, h := range hdrs {
		if !h.ModTime.Equal(Epoch) {
			t.Errorf("%s: mtime %v, want %v", h.Name, h.ModTime, Epoch)
		}
	}
}

func checkHeader(t *testing.T, hdrs map[string]*tar.Header, name string, typ byte, mode int64, uid int) {
	t.Helper()
	h := hdrs[name]
	if h == nil {
		t.Errorf("%s missing", name)
		return
	}
	if h.Typeflag != typ || h.Mode != mode || h.Uid != uid {
		t.Errorf("%s: type %c mode %o uid %d, want %c %o %d", name, h.Typeflag, h.Mode, h.Uid, typ, mode, uid)
	}
}

func TestRootfsTreeRuns(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rootfs")
	if err := Rootfs(dir); err != nil {
		t.Fatal(err)
	}
	if target, err := os.Readlink(filepath.Join(dir, "bin/sh")); err != nil || target != "busybox" {
		t.Fatalf("bin/sh -> %q, %v", target, err)
	}
	st, err := os.Stat(filepath.Join(dir, "tmp"))
	if err != nil || st.Mode()&os.ModeSticky == 0 || st.Mode().Perm() != 0o777 {
		t.Fatalf("tmp mode %v, %v", st.Mode(), err)
	}
	if os.Geteuid() == 0 {
		st, _ := os.Stat(filepath.Join(dir, "home/app"))
		if uid := st.Sys().(*syscall.Stat_t).Uid; uid != 1000 {
			t.Errorf("home/app uid %d, want 1000", uid)
		}
	}
	if st, _ := os.Stat(filepath.Join(dir, "etc")); !st.ModTime().Equal(Epoch) {
		t.Errorf("etc mtime %v, want %v", st.ModTime(), Epoch)
	}
	out, err := exec.Command(filepath.Join(dir, "bin/sh"), "-c", "echo hello; seq 3 | wc -l").Output()
	if err != nil || string(out) != "hello\n3\n" {
		t.Fatalf("running bin/sh: %q, %v", out, err)
	}
	if err := Rootfs(dir); err != nil {
		t.Fatalf("second Rootfs over the same dir: %v", err)
	}
}

func TestDockerArchive(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Entrypoint: []string{"/bin/sh", "-c"}, WorkingDir: "/tmp", User: "app",
		StopSignal: "SIGINT", Labels: map[string]string{"a": "b"}}
	a, b := filepath.Join(dir, "a.tar"), filepath.Join(dir, "b.tar")
	for _, p := range []string{a, b} {
		if err := DockerArchive(p, "localhost/busybox:latest", cfg); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(readFile(t, a), readFile(t, b)) {
		t.Fatal("two DockerArchive runs differ")
	}
	_, files := readTar(t, readFile(t, a))
	if !strings.Contains(files["manifest.json"], `"RepoTags":["localhost/busybox:latest"]`) {
		t.Errorf("manifest.json = %s", files["manifest.json"])
	}
	tag, _ := name.NewTag("localhost/busybox:latest")
	img, err := gtarball.ImageFromPath(a, &tag)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cf.Config
	if c.Cmd != nil || !reflect.DeepEqual(c.Entrypoint, cfg.Entrypoint) || c.WorkingDir != "/tmp" ||
		c.User != "app" || c.StopSignal != "SIGINT" || c.Labels["a"] != "b" ||
		!reflect.DeepEqual(c.Env, []string{DefaultPath}) {
		t.Errorf("config = %+v", c)
	}
	if !cf.Created.Time.Equal(Epoch) || cf.OS != "linux" || len(cf.RootFS.DiffIDs) != 1 {
		t.Errorf("config file = %+v", cf)
	}
}

func TestOCIArchive(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.tar"), filepath.Join(dir, "b.tar")
	for _, p := range []string{a, b} {
		if err := OCIArchive(p, "localhost/busybox:1", Config{}); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(readFile(t, a), readFile(t, b)) {
		t.Fatal("two OCIArchive runs differ")
	}
	out := filepath.Join(dir, "layout")
	untar(t, readFile(t, a), out)
	lp, err := layout.FromPath(out)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := lp.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil || len(im.Manifests) != 1 {
		t.Fatalf("index: %+v, %v", im, err)
	}
	d := im.Manifests[0]
	if d.Annotations[refNameAnnotation] != "localhost/busybox:1" || d.MediaType != "application/vnd.oci.image.manifest.v1+json" {
		t.Errorf("descriptor = %+v", d)
	}
	img, err := lp.Image(d.Digest)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cf.Config.Cmd, []string{"sh"}) || !reflect.DeepEqual(cf.Config.Env, []string{DefaultPath}) {
		t.Errorf("default config = %+v", cf.Config)
	}
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// readTar returns the headers by name and the contents of small regular files.
func readTar(t *testing.T, data []byte) (map[string]*tar.Header, map[string]string) {
	t.Helper()
	hdrs, files := map[string]*tar.Header{}, map[string]string{}
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return hdrs, files
		}
		if err != nil {
			t.Fatal(err)
		}
		hdrs[h.Name] = h
		if h.Typeflag == tar.TypeReg && h.Size < 1<<16 {
			b, _ := io.ReadAll(tr)
			files[h.Name] = string(b)
		}
	}
}

func untar(t *testing.T, data []byte, dir string) {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, h.Name)
		if h.Typeflag == tar.TypeDir {
			os.MkdirAll(p, 0o755)
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		b, _ := io.ReadAll(tr)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Ensure the JSON of the manifest parses (guards the string match above).
func TestDockerArchiveManifestJSON(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.tar")
	if err := DockerArchive(p, "localhost/x:2", Config{}); err != nil {
		t.Fatal(err)
	}
	_, files := readTar(t, readFile(t, p))
	var m []struct{ RepoTags []string }
	if err := json.Unmarshal([]byte(files["manifest.json"]), &m); err != nil || len(m) != 1 ||
		!reflect.DeepEqual(m[0].RepoTags, []string{"localhost/x:2"}) {
		t.Fatalf("manifest.json %s: %v", files["manifest.json"], err)
	}
}
