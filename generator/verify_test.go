package generator

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestSystemdAnalyzeVerify writes every golden case's units with a real
// binary in their Exec lines and has systemd-analyze verify them: it must
// exit 0 and print nothing at all on stderr.
func TestSystemdAnalyzeVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatal("systemd-analyze is missing (Debian's systemd package; scripts/setup.sh installs it)")
	}
	bin, err := exec.LookPath("true")
	if err != nil {
		t.Fatal("no true(1) on PATH")
	}
	cases, _ := filepath.Glob("testdata/golden/*")
	for _, dir := range cases {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			cfg := caseConfig(t, dir)
			cfg.Binary = bin
			res, err := Generate(cfg)
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			if err := res.Write(out); err != nil {
				t.Fatal(err)
			}
			units, _ := filepath.Glob(filepath.Join(out, "*.service"))
			timers, _ := filepath.Glob(filepath.Join(out, "*.timer")) // health check timers
			units = append(units, timers...)
			var stderr bytes.Buffer
			cmd := exec.Command(analyze, append([]string{"verify", "--man=no", "--recursive-errors=no"}, units...)...)
			cmd.Dir = out
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil || stderr.Len() > 0 {
				t.Errorf("systemd-analyze verify: %v\n%s", err, stderr.String())
			}
		})
	}
}
