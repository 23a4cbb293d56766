package generator

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podunit/podunit/generator/unitfile"
)

// brokenCorpus copies testdata/broken to a temporary directory and adds
// the files too big or too binary to commit.
func brokenCorpus(t *testing.T) string {
	dir := t.TempDir()
	ents, err := os.ReadDir("testdata/broken")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join("testdata/broken", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, e.Name()), data)
	}
	write(t, filepath.Join(dir, "binary.container"), []byte("\x7fELF\x02\x01\x01\x00\x00\x00junk\n"))
	huge := bytes.Repeat([]byte("# padding line to make a ten megabyte file ........................\n"), 10<<20/68)
	write(t, filepath.Join(dir, "huge.container"), append([]byte("[Container]\nImage=busybox\n"), huge...))
	// each file fits, and each line, but not ExecStart=, which has them all
	long := func(head string, from int) []byte {
		for i := from; i < from+5; i++ {
			head += fmt.Sprintf("Environment=V%d=%s\n", i, strings.Repeat("x", 120<<10))
		}
		return []byte(head)
	}
	write(t, filepath.Join(dir, "huge-env.container"), long("[Container]\nImage=busybox\n", 0))
	if err := os.Mkdir(filepath.Join(dir, "huge-env.container.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "huge-env.container.d", "more.conf"), long("[Container]\n", 5))
	return dir
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrokenCorpus runs the generator over a directory of broken files and
// valid ones: each broken file gets exactly one FILE:LINE error (golden),
// every valid file is still generated, and the ok-warn-* ones, which
// Quadlet warns about, with a FILE:LINE warning.
func TestBrokenCorpus(t *testing.T) {
	dir := brokenCorpus(t)
	res, err := Generate(Config{Dirs: []string{dir}, Binary: DefaultBinary})
	if err != nil {
		t.Fatal(err)
	}
	perFile := map[string]int{}
	var msgs bytes.Buffer
	for _, e := range res.Errors {
		var ue *unitfile.Error
		if !errors.As(e, &ue) || ue.Line < 1 {
			t.Errorf("error without FILE:LINE: %v", e)
			continue
		}
		perFile[filepath.Base(ue.File)]++
		msgs.WriteString(strings.ReplaceAll(e.Error(), dir, "SRC") + "\n")
	}
	for name, n := range perFile {
		if n != 1 {
			t.Errorf("%s: %d errors, want 1", name, n)
		}
	}
	warned := map[string]bool{}
	msgs.WriteString("=== warnings ===\n")
	for _, w := range res.Warnings {
		var ue *unitfile.Error
		if !errors.As(w, &ue) || ue.Line < 1 {
			t.Errorf("warning without FILE:LINE: %v", w)
			continue
		}
		warned[filepath.Base(ue.File)] = true
		msgs.WriteString(strings.ReplaceAll(w.Error(), dir, "SRC") + "\n")
	}
	ents, _ := os.ReadDir(dir)
	var units []string
	for _, u := range res.Units {
		units = append(units, u.Name)
	}
	for _, e := range ents {
		if e.IsDir() {
			continue // drop-ins: their file's error names the file
		}
		ok := strings.HasPrefix(e.Name(), "ok")
		if !ok && perFile[e.Name()] == 0 {
			t.Errorf("%s: broken file gave no error", e.Name())
		}
		if ok && perFile[e.Name()] != 0 {
			t.Errorf("%s: valid file gave an error", e.Name())
		}
		if strings.HasPrefix(e.Name(), "ok-warn") && !warned[e.Name()] {
			t.Errorf("%s: no warning", e.Name())
		}
	}
	if got := strings.Join(units, " "); got != "hc-healthcheck.service ok-hostvol-volume@.service ok-no-section-volume.service ok-pod.service ok-spec-name-pod.service ok-tplvol-volume@.service ok-volume.service ok-warn-blank-continuation.service ok-warn-escape.service ok-warn-simple-execstart-volume.service ok-warn-unquoted.service ok.service ok2.service" {
		t.Errorf("generated %s, want every valid file's unit", got)
	}
	if len(perFile) < 20 {
		t.Errorf("corpus has %d broken files, want at least 20", len(perFile))
	}
	msgs.WriteString("=== units ===\n" + strings.Join(units, "\n") + "\n")
	checkGolden(t, "testdata/broken.golden", msgs.Bytes())
}

// TestGeneratorBinary runs the built generator: units and [Install] links
// land in the output directory, errors on stderr, exit status 1.
func TestGeneratorBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "podunit-generator")
	build := exec.Command("go", "build", "-o", bin, "../cmd/podunit-generator")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out := t.TempDir()
	cmd := exec.Command(bin, out, out, out)
	cmd.Env = append(os.Environ(), "PODUNIT_UNIT_DIRS="+brokenCorpus(t))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Errorf("exit: %v, want status 1", err)
	}
	if b, err := os.ReadFile(filepath.Join(out, "multi-user.target.d", DropinName)); err != nil || !bytes.Contains(b, []byte("\nWants=ok.service\n")) {
		t.Errorf("install drop-in: %v\n%s", err, b)
	}
	if _, err := os.Stat(filepath.Join(out, "ok.service")); err != nil {
		t.Errorf("unit: %v", err)
	}
	dry := exec.Command(bin, "--dryrun")
	dry.Env = append(os.Environ(), "PODUNIT_UNIT_DIRS=testdata/golden/pod")
	stdout, err := dry.Output()
	if err != nil || !bytes.Contains(stdout, []byte("---web-pod.service---")) {
		t.Errorf("--dryrun: %v\n%s", err, stdout)
	}
	// enough sources for the generator to take its heap in huge pages
	// (cmd/podunit-generator's reserveHeap), each one's unit written
	many, manyOut := t.TempDir(), t.TempDir()
	for i := range 150 {
		write(t, filepath.Join(many, fmt.Sprintf("c%d.container", i)), []byte("[Container]\nImage=nginx\n"))
	}
	big := exec.Command(bin, manyOut, manyOut, manyOut)
	big.Env = append(os.Environ(), "PODUNIT_UNIT_DIRS="+many)
	if out, err := big.CombinedOutput(); err != nil {
		t.Errorf("150 sources: %v\n%s", err, out)
	}
	if units, _ := filepath.Glob(filepath.Join(manyOut, "c*.service")); len(units) != 150 {
		t.Errorf("150 sources made %d units", len(units))
	}
}

// TestNoHeavyDeps keeps the generator binary free of D-Bus, storage and SQLite.
func TestNoHeavyDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "../cmd/podunit-generator").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, bad := range []string{"go.podman.io/", "godbus", "go-systemd/v22/dbus", "modernc.org/sqlite", "github.com/podunit/podunit/engine"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("podunit-generator links %s", bad)
		}
	}
}
