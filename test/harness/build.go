package harness

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// BuildTags are the build tags every podunit binary is built with (the Makefile's TAGS).
const BuildTags = "containers_image_openpgp,exclude_graphdriver_btrfs"

type build struct {
	once sync.Once
	path string
	out  []byte
	err  error
}

var (
	buildsMu sync.Mutex
	builds   = map[string]*build{}
)

// BuildPodunit builds ./cmd/podunit once per test binary, with make build's tags,
// -trimpath and CGO_ENABLED=0, into /var/lib/podunit-test/p<PID>-build/, and returns
// the binary's path, which is the same inside a sandbox. As make build, it builds
// three: podunit is the hot-path binary (tag hotpath), podunit-full beside it
// has every verb (every test of a verb the hot one lacks runs both), and
// podunit-start finishes the starts of pod members' units (engine/unitstart). A build failure fails the
// test with the compiler's output. The folder outlives the test binary; the first
// TempDir or BuildPodunit of a later test binary removes it.
func BuildPodunit(t testing.TB) string { return BuildCommand(t, "podunit") }

// BuildCommand builds ./cmd/NAME the way BuildPodunit builds podunit.
func BuildCommand(t testing.TB, name string) string { return buildOnce(t, name, false) }

// BuildPodunitRace is BuildPodunit with the race detector (so with cgo),
// into p<PID>-build-race/podunit: the churn tests run it, and units made
// by it run it as their unit-start, so a data race in any podunit
// process under churn shows (exit 66, "WARNING: DATA RACE" on stderr or
// in the journal).
func BuildPodunitRace(t testing.TB) string { return buildOnce(t, "podunit", true) }

// buildOnce builds ./cmd/NAME once per test binary (and race flag).
func buildOnce(t testing.TB, name string, race bool) string {
	t.Helper()
	key := fmt.Sprint(name, race)
	buildsMu.Lock()
	b := builds[key]
	if b == nil {
		b = &build{}
		builds[key] = b
	}
	buildsMu.Unlock()
	b.once.Do(func() { b.path, b.out, b.err = buildCommand(name, race) })
	if b.err != nil {
		t.Fatalf("harness: building ./cmd/%s: %v\n%s", name, b.err, b.out)
	}
	return b.path
}

func buildCommand(name string, race bool) (string, []byte, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", nil, err
	}
	staleOnce.Do(removeStale)
	dir := filepath.Join(testRoot, fmt.Sprintf("p%d-build", os.Getpid()))
	if race {
		dir += "-race"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	bin := filepath.Join(dir, name)
	if name == "podunit" { // what make build makes for a unit's start
		if out, err := goBuild(root, "./cmd/podunit", bin+"-full", "", race); err != nil {
			return bin, out, err
		}
		if out, err := goBuild(root, "./cmd/podunit-start", filepath.Join(dir, "podunit-start"), "", race); err != nil {
			return bin, out, err
		}
		out, err := goBuild(root, "./cmd/podunit", bin, HotTag, race)
		return bin, out, err
	}
	out, err := goBuild(root, "./cmd/"+name, bin, "", race)
	return bin, out, err
}

// HotTag is the build tag of the hot-path podunit (cmd/podunit/fullbinary.go).
const HotTag = "hotpath"

// goBuild builds the package pkg of the module at root into the file bin,
// with the extra build tag tag (if not ""), statically, or with race on
// with the race detector (which needs cgo). The flags are chosen so that a
// fresh machine compiles each package as few times as it can: the static
// build with -trimpath as make build, so that `make deb rpm` (TestPackage)
// finds its packages compiled; the race build without, as `go test -race`
// compiles them (measured: a race build after make test's compiles takes 16 s
// so, minutes with -trimpath).
func goBuild(root, pkg, bin, tag string, race bool) ([]byte, error) {
	tags := BuildTags
	if tag != "" {
		tags += "," + tag
	}
	args, cgo := []string{"build", "-trimpath", "-tags", tags, "-o", bin}, "CGO_ENABLED=0"
	if race {
		args, cgo = []string{"build", "-race", "-tags", tags, "-o", bin}, "CGO_ENABLED=1"
	}
	cmd := exec.Command(goTool(), append(args, pkg)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), cgo)
	return cmd.CombinedOutput()
}

// moduleRoot is the folder of the go.mod governing the test's working directory.
func moduleRoot() (string, error) {
	out, err := exec.Command(goTool(), "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("go env GOMOD: not inside a module")
	}
	return filepath.Dir(gomod), nil
}

// goTool finds the go command: go test puts $GOROOT/bin first on PATH, and the
// project's machines keep Go in /usr/local/go.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "/usr/local/go/bin/go"
}

// RequireRoot fails the test unless it runs as root. These tests boot systemd in
// namespaces and must run in CI, so they fail rather than skip.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("harness: this test needs root (it boots systemd in new namespaces); run it as root, e.g. sudo make test")
	}
}
