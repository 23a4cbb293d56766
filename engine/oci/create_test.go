package oci

import (
	"os"
	"path/filepath"
	"testing"
)

func TestExecCodeFromRuntimeMessages(t *testing.T) {
	cases := map[string]int{
		`runc create failed: unable to start container process: exec: "nosuch": executable file not found in $PATH`: 127,
		`runc create failed: unable to start container process: exec: "/bin": permission denied`:                    126,
		"executable file `nosuch` not found in $PATH: No such file or directory":                                    127,
		"open executable: Operation not permitted":                                                                  126,
		// setup errors mention missing files too, and must stay engine errors
		"creating cgroup directory `/sys/fs/cgroup/hugetlb/x`: No such file or directory": 0,
		"cgroups in hybrid mode not supported, drop all controllers from cgroupv2":        0,
	}
	for msg, want := range cases {
		if got := execCode(msg); got != want {
			t.Errorf("execCode(%q) = %d, want %d", msg, got, want)
		}
	}
}

func TestLastLogMessageTakesTheLastError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.json")
	log := `{"level":"warning","msg":"ignored"}
{"level":"error","msg":"first"}
not json
{"msg":"crun style, no level"}
{"level":"info","msg":"not an error"}
`
	if err := os.WriteFile(path, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := lastLogMessage(path); got != "crun style, no level" {
		t.Fatalf("lastLogMessage = %q", got)
	}
	if got := lastLogMessage(filepath.Join(t.TempDir(), "missing")); got != "" {
		t.Fatalf("missing log gave %q", got)
	}
}

func TestFindReportsMissingRuntime(t *testing.T) {
	if _, err := Find("no-such-runtime-binary", t.TempDir()); err == nil {
		t.Fatal("Find accepted a runtime that does not exist")
	}
	r, err := Find("/bin/sh", "/x")
	if err != nil || r.Path != "/bin/sh" || r.Name != "sh" || r.Root != "/x" {
		t.Fatalf("Find(/bin/sh) = %+v, %v", r, err)
	}
}
