package image

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/podunit/podunit/test/testimage"
	"go.podman.io/storage/pkg/reexec"
)

// fixtures are archives built once for all tests.
var fixtures struct {
	dir           string
	rootfsTar     string
	dockerArchive string // localhost/busybox:latest, with testConfig
	ociArchive    string // localhost/busybox:oci, default config
}

// testConfig is the configuration of the docker-archive fixture.
var testConfig = testimage.Config{
	Entrypoint: []string{"/bin/sh", "-c"}, Cmd: []string{"echo hi"},
	Env: []string{"PATH=/bin", "A=1"}, WorkingDir: "/tmp", User: "app",
	StopSignal: "SIGINT", Labels: map[string]string{"org.example": "yes"},
}

func TestMain(m *testing.M) {
	if reexec.Init() {
		return
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	flag.Parse()
	if f := flag.Lookup("test.fuzz"); f != nil && f.Value.String() != "" {
		return m.Run() // a fuzz target (FuzzReference) needs no image
	}
	dir, err := os.MkdirTemp("", "podunit-image-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := buildFixtures(dir); err != nil {
		fmt.Fprintln(os.Stderr, "building fixtures:", err)
		return 1
	}
	return m.Run()
}

func buildFixtures(dir string) error {
	fixtures.dir = dir
	fixtures.rootfsTar = filepath.Join(dir, "rootfs.tar")
	fixtures.dockerArchive = filepath.Join(dir, "docker.tar")
	fixtures.ociArchive = filepath.Join(dir, "oci.tar")
	if err := testimage.RootfsTar(fixtures.rootfsTar); err != nil {
		return err
	}
	if err := testimage.DockerArchive(fixtures.dockerArchive, "localhost/busybox:latest", testConfig); err != nil {
		return err
	}
	return testimage.OCIArchive(fixtures.ociArchive, "localhost/busybox:oci", testimage.Config{})
}

// newStore opens a fresh store on driver under a test directory.
func newStore(t *testing.T, driver string) *Store {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(Config{Root: filepath.Join(dir, "root"), RunRoot: filepath.Join(dir, "run"), Driver: driver})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Driver(); got != driver {
		t.Fatalf("driver %q, want %q", got, driver)
	}
	t.Cleanup(func() {
		if s.store == nil {
			return
		}
		if _, err := s.store.Shutdown(true); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return s
}

// load loads an archive and fails the test on error.
func load(t *testing.T, s *Store, archive string) []string {
	t.Helper()
	names, err := s.Load(context.Background(), archive, nil)
	if err != nil {
		t.Fatal(err)
	}
	return names
}
