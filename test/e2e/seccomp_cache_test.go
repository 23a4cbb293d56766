package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podunit/podunit/test/harness"
)

// TestSeccompCacheUnderCrun: the first container with the default profile
// leaves the program crun compiled; the next one hands that program to
// crun (which then compiles nothing), and runs, and execs, under the very
// same filter. An unconfined container gets none; system reset removes
// what was kept.
func TestSeccompCacheUnderCrun(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	e.image()
	cache := filepath.Join(e.runDir(), "podunit", "seccomp", "crun")

	e.must("run", "-d", "--name", "first", "bb", "sleep", "600")
	entries, err := os.ReadDir(cache)
	if err != nil || len(entries) != 1 {
		t.Fatalf("after the first container, the cache holds %v (%v), want one program", entries, err)
	}
	kept, err := os.ReadFile(filepath.Join(cache, entries[0].Name()))
	if err != nil {
		t.Fatal(err)
	}

	e.must("run", "-d", "--name", "second", "bb", "sleep", "600")
	id := e.field("second", "{{.Id}}")
	if got := bundleAnnotation(t, e, id, "run.oci.seccomp_bpf_data"); got == "" {
		t.Error("the second container's config.json does not hand crun the kept program")
	}
	applied, err := os.ReadFile(filepath.Join(e.runDir(), "podunit", "runtime", "crun", id, "seccomp.bpf"))
	if err != nil || !bytes.Equal(applied, kept) {
		t.Errorf("crun's program for the second container (%d bytes, %v) is not the kept one (%d bytes)", len(applied), err, len(kept))
	}
	for _, who := range []struct{ name, status string }{
		{"the second container's init", procStatus(t, sb, e.field("second", "{{.State.Pid}}"))},
		{"a process exec'd into it", e.must("exec", "second", "cat", "/proc/self/status")},
	} {
		if !strings.Contains(who.status, "Seccomp:\t2") {
			t.Errorf("%s runs without a seccomp filter:\n%s", who.name, who.status)
		}
	}

	e.must("run", "-d", "--name", "loose", "--security-opt", "seccomp=unconfined", "bb", "sleep", "600")
	loose := e.field("loose", "{{.Id}}")
	if got := bundleAnnotation(t, e, loose, "run.oci.seccomp_bpf_data"); got != "" {
		t.Error("an unconfined container was handed a program")
	}
	if st := procStatus(t, sb, e.field("loose", "{{.State.Pid}}")); !strings.Contains(st, "Seccomp:\t0") {
		t.Errorf("the unconfined container has a filter:\n%s", st)
	}

	e.must("system", "reset", "-f")
	if _, err := os.Stat(cache); !os.IsNotExist(err) {
		t.Errorf("system reset left the kept programs: %v", err)
	}
}

// bundleAnnotation reads one annotation of container id's config.json.
func bundleAnnotation(t *testing.T, e *env, id, key string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(e.runDir(), "podunit", "containers", id, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct{ Annotations map[string]string }
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s.Annotations[key]
}

// procStatus reads /proc/PID/status in the sandbox, whose PIDs podunit records.
func procStatus(t *testing.T, sb *harness.Sandbox, pid string) string {
	t.Helper()
	return sb.Run(t, "cat", "/proc/"+pid+"/status")
}
