package image

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/test/testimage"
)

// registryFiles are a registries.conf and a policy.json for one test registry.
type registryFiles struct {
	host   string
	reg    RegistryOptions
	policy string // path of a policy that accepts anything
}

const acceptPolicy = `{"default":[{"type":"insecureAcceptAnything"}]}`

// startRegistry starts an in-process registry and writes a registries.conf
// that searches it for short names and marks it insecure (plain HTTP).
func startRegistry(t *testing.T) registryFiles {
	t.Helper()
	host := testimage.StartRegistry(t)
	return registryFor(t, host)
}

func registryFor(t *testing.T, host string) registryFiles {
	t.Helper()
	dir := t.TempDir()
	conf := fmt.Sprintf("unqualified-search-registries = [%q]\nshort-name-mode = \"enforcing\"\n\n"+
		"[[registry]]\nlocation = %q\ninsecure = true\n", host, host)
	rf := registryFiles{host: host, reg: RegistryOptions{
		RegistriesConf:      writeFile(t, dir, "registries.conf", conf),
		SignaturePolicyPath: writeFile(t, dir, "policy.json", acceptPolicy),
		AuthFile:            writeFile(t, dir, "auth.json", `{"auths":{}}`),
	}}
	return rf
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func (rf registryFiles) pull(s *Store, name, policy string) (*Image, error) {
	return s.Pull(ctx, name, PullOptions{Policy: policy, RegistryOptions: rf.reg})
}

func TestPullFullName(t *testing.T) {
	rf := startRegistry(t)
	want := testimage.PushImage(t, rf.host+"/podunit/bb:1", testConfig)
	s := newStore(t, "vfs")
	var progress bytes.Buffer
	img, err := s.Pull(ctx, rf.host+"/podunit/bb:1", PullOptions{Progress: &progress, RegistryOptions: rf.reg})
	if err != nil {
		t.Fatal(err)
	}
	if img.ID != want || img.Name != rf.host+"/podunit/bb:1" || img.Config.WorkingDir != "/tmp" {
		t.Errorf("pulled %+v, want ID %s named %s/podunit/bb:1", img, want, rf.host)
	}
	for _, line := range []string{"Trying to pull " + rf.host + "/podunit/bb:1...", "Copying blob", "Writing manifest"} {
		if !strings.Contains(progress.String(), line) {
			t.Errorf("progress lacks %q:\n%s", line, progress.String())
		}
	}
	got, err := s.Resolve(ctx, rf.host+"/podunit/bb:1")
	if err != nil || got.ID != want {
		t.Fatalf("Resolve after pull = %+v, %v", got, err)
	}
}

func TestPullShortName(t *testing.T) {
	rf := startRegistry(t)
	want := testimage.PushImage(t, rf.host+"/podunit/short:latest", testimage.Config{})
	s := newStore(t, "vfs")
	img, err := rf.pull(s, "podunit/short", "")
	if err != nil {
		t.Fatal(err)
	}
	if img.ID != want || img.Name != rf.host+"/podunit/short:latest" {
		t.Fatalf("pulled %+v, want %s as %s/podunit/short:latest", img, want, rf.host)
	}
	// The store's Config gives the files when the call does not.
	s.reg = rf.reg
	img, err = s.Pull(ctx, "podunit/short", PullOptions{Policy: PullAlways})
	if err != nil || img.ID != want {
		t.Fatalf("pull with the store's config = %+v, %v", img, err)
	}
}

func TestPullAlwaysFetchesChangedTag(t *testing.T) {
	rf := startRegistry(t)
	ref := rf.host + "/podunit/moving:latest"
	first := testimage.PushImage(t, ref, testimage.Config{})
	s := newStore(t, "vfs")
	if img, err := rf.pull(s, ref, PullAlways); err != nil || img.ID != first {
		t.Fatalf("first pull = %+v, %v; want %s", img, err, first)
	}
	second := testimage.PushImage(t, ref, testimage.Config{Labels: map[string]string{"v": "2"}})
	if second == first {
		t.Fatal("test images do not differ")
	}
	if img, err := rf.pull(s, ref, PullMissing); err != nil || img.ID != first {
		t.Errorf("missing with a local image = %+v, %v; want the local %s", img, err, first)
	}
	if img, err := rf.pull(s, ref, PullNewer); err != nil || img.ID != second {
		t.Errorf("newer after a change = %+v, %v; want %s", img, err, second)
	}
	if img, err := rf.pull(s, ref, PullNewer); err != nil || img.ID != second {
		t.Errorf("newer without a change = %+v, %v; want %s", img, err, second)
	}
	third := testimage.PushImage(t, ref, testimage.Config{Labels: map[string]string{"v": "3"}})
	if img, err := rf.pull(s, "podunit/moving", PullAlways); err != nil || img.ID != third {
		t.Errorf("always after a change = %+v, %v; want %s", img, err, third)
	}
}

func TestPullNeverWithoutLocalImage(t *testing.T) {
	rf := startRegistry(t)
	testimage.PushImage(t, rf.host+"/podunit/bb:latest", testimage.Config{})
	s := newStore(t, "vfs")
	_, err := rf.pull(s, rf.host+"/podunit/bb:latest", PullNever)
	wantErr(t, err, errdefs.ErrNotFound, rf.host+"/podunit/bb:latest", "never")
	load(t, s, fixtures.dockerArchive)
	img, err := rf.pull(s, "busybox", PullNever)
	if err != nil || img.Name != "localhost/busybox:latest" {
		t.Errorf("never with a local image = %+v, %v", img, err)
	}
	_, err = rf.pull(s, img.ID, PullAlways)
	wantErr(t, err, errdefs.ErrInvalidArgument, img.ID, "image ID")
	_, err = rf.pull(s, strings.Repeat("ab", 32), PullMissing)
	wantErr(t, err, errdefs.ErrNotFound, strings.Repeat("ab", 32))
}

func TestPullErrors(t *testing.T) {
	rf := startRegistry(t)
	testimage.PushImage(t, rf.host+"/podunit/bb:latest", testimage.Config{})
	s := newStore(t, "vfs")

	_, err := rf.pull(s, rf.host+"/podunit/nothere:latest", "")
	wantErr(t, err, errdefs.ErrNotFound, rf.host+"/podunit/nothere:latest")
	_, err = rf.pull(s, rf.host+"/podunit/bb:notag", "")
	wantErr(t, err, errdefs.ErrNotFound, rf.host+"/podunit/bb:notag")
	_, err = rf.pull(s, "podunit/nothere", "")
	wantErr(t, err, errdefs.ErrNotFound, `"podunit/nothere"`, rf.host+"/podunit/nothere:latest")

	closed := registryFor(t, closedPort(t))
	_, err = closed.pull(s, closed.host+"/podunit/bb:latest", "")
	wantErr(t, err, errdefs.ErrUnavailable, closed.host+"/podunit/bb:latest", "connection refused")

	reject := rf.reg
	reject.SignaturePolicyPath = writeFile(t, t.TempDir(), "policy.json", `{"default":[{"type":"reject"}]}`)
	_, err = s.Pull(ctx, rf.host+"/podunit/bb:latest", PullOptions{RegistryOptions: reject})
	wantErr(t, err, errdefs.ErrInvalidArgument, rf.host+"/podunit/bb:latest", "policy")

	noPolicy := rf.reg
	noPolicy.SignaturePolicyPath = filepath.Join(t.TempDir(), "missing.json")
	_, err = s.Pull(ctx, rf.host+"/podunit/bb:latest", PullOptions{RegistryOptions: noPolicy})
	wantErr(t, err, errdefs.ErrNotFound, "missing.json")

	_, err = rf.pull(s, "podunit/bb", "sometimes")
	wantErr(t, err, errdefs.ErrInvalidArgument, "sometimes")
	_, err = rf.pull(s, "Bad Name", "")
	wantErr(t, err, errdefs.ErrInvalidArgument, "Bad Name")
	if list, _ := s.List(ctx); len(list) != 0 {
		t.Errorf("failed pulls left images: %+v", list)
	}
}

func TestPullNoSearchRegistries(t *testing.T) {
	rf := startRegistry(t)
	rf.reg.RegistriesConf = writeFile(t, t.TempDir(), "registries.conf", "unqualified-search-registries = []\n")
	_, err := rf.pull(newStore(t, "vfs"), "podunit/bb", "")
	wantErr(t, err, errdefs.ErrInvalidArgument, "podunit/bb")
}

func TestPullWithCredentials(t *testing.T) {
	host := testimage.StartAuthRegistry(t, "user", "secret")
	want := testimage.PushImage(t, host+"/podunit/private:1", testimage.Config{}, "user", "secret")
	rf := registryFor(t, host)
	s := newStore(t, "vfs")
	ref := host + "/podunit/private:1"
	_, err := rf.pull(s, ref, "")
	wantErr(t, err, errdefs.ErrUnavailable, ref)

	withCreds := rf.reg
	withCreds.Username, withCreds.Password = "user", "wrong"
	_, err = s.Pull(ctx, ref, PullOptions{RegistryOptions: withCreds})
	wantErr(t, err, errdefs.ErrUnavailable, ref)

	auth := fmt.Sprintf(`{"auths":{%q:{"auth":"dXNlcjpzZWNyZXQ="}}}`, host) // user:secret
	rf.reg.AuthFile = writeFile(t, t.TempDir(), "auth.json", auth)
	if img, err := rf.pull(s, ref, ""); err != nil || img.ID != want {
		t.Fatalf("pull with auth.json = %+v, %v", img, err)
	}
	rf.reg.AuthFile = ""
	t.Setenv("REGISTRY_AUTH_FILE", writeFile(t, t.TempDir(), "auth.json", auth))
	if img, err := rf.pull(s, ref, PullAlways); err != nil || img.ID != want {
		t.Fatalf("pull with $REGISTRY_AUTH_FILE = %+v, %v", img, err)
	}
}

// closedPort is a 127.0.0.1 address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// wantErr fails unless err is of class and its text holds every part.
func wantErr(t *testing.T, err, class error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", class)
	}
	t.Logf("error: %v", err)
	if !errors.Is(err, class) {
		t.Errorf("error %q is not %v", err, class)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q lacks %q", err, p)
		}
	}
}
