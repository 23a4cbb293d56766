package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podunit/podunit/test/harness"
)

// checkDir writes 33 valid sources of every kind, referencing each other,
// and the three broken ones named in broken.
func checkDir(t *testing.T) (dir string, broken []string) {
	dir = t.TempDir()
	files := map[string]string{
		"bad-key.container":     "[Container]\nImage=docker.io/library/busybox\nAutoUpdate=sometimes\n",
		"bad-gateway.network":   "[Network]\nGateway=10.9.0.1\n",
		"bad-noimage.container": "[Container]\nExec=echo 100%\n", // Quadlet refuses it too
	}
	for name := range files {
		broken = append(broken, filepath.Join(dir, name))
	}
	for i := 0; i < 10; i++ {
		files[fmt.Sprintf("app%d.container", i)] = fmt.Sprintf("[Container]\nImage=docker.io/library/busybox\n"+
			"Pod=pod%d.pod\nVolume=vol%d.volume:/data\nVolume=%%h/app%d:/home\nExec=echo 100%%%%\n", i%3, i, i)
		if i == 0 { // a trailing lone % is a percent sign, for systemd and Quadlet
			files["app0.container"] = strings.Replace(files["app0.container"], "100%%", "100%", 1)
		}
		files[fmt.Sprintf("vol%d.volume", i)] = "[Volume]\n"
		files[fmt.Sprintf("net%d.network", i)] = fmt.Sprintf("[Network]\nSubnet=10.%d.0.0/24\nGateway=10.%d.0.1\n", 100+i, 100+i)
	}
	for i := 0; i < 3; i++ {
		files[fmt.Sprintf("pod%d.pod", i)] = fmt.Sprintf("[Pod]\nNetwork=net%d.network\n", i)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(broken)
	return dir, broken
}

// TestGenerateCheckListsEveryFile runs `generate check` over 36 files,
// three of them broken: it lists exactly those three as errors at
// FILE:LINE, every other file as ok, exits 1, and podunit-generator over
// the same directory still writes the other 33 units.
func TestGenerateCheckListsEveryFile(t *testing.T) {
	t.Parallel()
	bin := harness.BuildPodunit(t)
	dir, broken := checkDir(t)
	cmd := exec.Command(bin, "generate", "check", "--format", "json", dir)
	out, err := cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("generate check: %v, want exit status 1\n%s", err, out)
	}
	var rows []struct {
		File, Unit, Result, Message string
		Line                        int
	}
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatalf("--format json: %v\n%s", err, out)
	}
	var failed []string
	ok := 0
	for _, r := range rows {
		switch r.Result {
		case "error":
			if r.Line < 1 {
				t.Errorf("error without a line: %+v", r)
			}
			failed = append(failed, r.File)
		case "ok":
			ok++
		default:
			t.Errorf("unexpected row %+v", r)
		}
	}
	if !slices.Equal(failed, broken) {
		t.Errorf("errors in %q, want exactly %q", failed, broken)
	}
	if ok != 33 {
		t.Errorf("%d files ok, want 33:\n%s", ok, out)
	}
	table, _ := exec.Command(bin, "generate", "check", dir).Output()
	if !strings.HasPrefix(string(table), "SOURCE ") || !strings.Contains(string(table), broken[1]+":3 ") {
		t.Errorf("table:\n%s", table)
	}
	gen := harness.BuildCommand(t, "podunit-generator")
	units := t.TempDir()
	g := exec.Command(gen, units, units, units)
	g.Env = append(os.Environ(), "PODUNIT_UNIT_DIRS="+dir)
	_ = g.Run() // exits 1: some sources are broken
	written, _ := filepath.Glob(filepath.Join(units, "*.service"))
	if len(written) != 33 {
		t.Errorf("generator wrote %d units, want 33", len(written))
	}
	for _, valid := range []string{"app0.service", "pod2-pod.service", "vol9-volume.service", "net9-network.service"} {
		if _, err := os.Stat(filepath.Join(units, valid)); err != nil {
			t.Errorf("%s: %v", valid, err)
		}
	}
	if ok, _ := exec.Command(bin, "generate", "check", filepath.Join(dir, "app1.container")).Output(); !strings.Contains(string(ok), " ok") {
		t.Errorf("a valid file alone: %s", ok)
	}
}
