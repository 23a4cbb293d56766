package console

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWaitExec stands a shell in for the runtime: it leaves a process
// that exits 9 after the shell, which the waiter (a subreaper) reaps and
// records; a runtime that fails is reported with its own code.
func TestWaitExec(t *testing.T) {
	dir := t.TempDir()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	script := "(sleep 0.2; exit 9) & echo $! > " + filepath.Join(dir, ExecPidFile)
	code, err := WaitExec(dir, w, []string{"sh", "-c", script})
	if err != nil || code != 9 {
		t.Fatalf("WaitExec = %d, %v; want 9", code, err)
	}
	pid, rc, err := ReadExecReport(r)
	if err != nil || pid <= 0 || rc != 0 {
		t.Errorf("report: pid %d, code %d, %v", pid, rc, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, ExecExitFile)); err != nil || string(b) != "9\n" {
		t.Errorf("exit file: %q, %v", b, err)
	}

	r, w, _ = os.Pipe()
	if code, err := WaitExec(t.TempDir(), w, []string{"sh", "-c", "exit 3"}); err == nil || code != 3 {
		t.Errorf("a failing runtime: %d, %v; want 3 and an error", code, err)
	}
	if pid, rc, err := ReadExecReport(r); err != nil || pid != 0 || rc != 3 {
		t.Errorf("report of a failing runtime: pid %d, code %d, %v", pid, rc, err)
	}
}

func TestReadExecReportRefusesSilence(t *testing.T) {
	for _, said := range []string{"", "pid x", "what 3"} {
		r, w, _ := os.Pipe()
		w.WriteString(said)
		w.Close()
		if _, _, err := ReadExecReport(r); err == nil || !strings.Contains(err.Error(), "exec waiter") {
			t.Errorf("report %q: %v", said, err)
		}
	}
}
