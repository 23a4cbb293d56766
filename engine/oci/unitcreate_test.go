package oci

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestUnitCreate: a unit's create executes crun's sealed copy through a
// link in the bundle, which Close removes, with the runtime's own path as
// argv[0]; another runtime's binary directly. The runtime's log is a
// descriptor of this process's, from which Error reads its reason (exec
// failures classified), jobErr where it wrote none.
func TestUnitCreate(t *testing.T) {
	r := fakeRuntime(t, "crun")
	bundle := t.TempDir()
	if err := os.WriteFile(filepath.Join(bundle, PidFileName), []byte("1"), 0o600); err != nil {
		t.Fatal(err)
	}
	u, err := r.UnitCreate("ctr1", bundle)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	if _, err := os.Stat(u.PidFile); !os.IsNotExist(err) {
		t.Errorf("an earlier pid file is left (%v)", err)
	}
	link := filepath.Join(bundle, UnitExeLink)
	if u.Path != link || u.Argv[0] != r.Path || u.Argv[len(u.Argv)-1] != "ctr1" ||
		!slices.Contains(u.Argv, "create") || !slices.Contains(u.Argv, u.PidFile) {
		t.Fatalf("path %q, argv %q", u.Path, u.Argv)
	}
	if target, err := os.Readlink(link); err != nil || target != fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), r.sealed().fd) {
		t.Errorf("link to %q (%v)", target, err)
	}
	cmd := exec.Command(u.Path) // the link runs the sealed copy (of /bin/true)
	cmd.Args = u.Argv
	if err := cmd.Run(); err != nil {
		t.Errorf("executing the link: %v", err)
	}
	jobErr := errors.New("job failed")
	if err := u.Error("crun", jobErr); err != jobErr {
		t.Errorf("no log: %v", err)
	}
	var logPath string
	for _, a := range u.Argv {
		if p, ok := strings.CutPrefix(a, "--log="); ok {
			logPath = p
		}
	}
	line := `{"msg": "executable file ` + "`/nope`" + ` not found in $PATH: No such file or directory", "level": "error"}` + "\n"
	if err := os.WriteFile(logPath, []byte(line), 0o600); err != nil { // as the runtime opens it
		t.Fatal(err)
	}
	if x, ok := IsExecError(u.Error("crun", jobErr)); !ok || x.Code != 127 || !strings.Contains(x.Msg, "/nope") {
		t.Errorf("a logged exec failure: %v", u.Error("crun", jobErr))
	}
	u.Close()
	if _, err := os.Lstat(link); !os.IsNotExist(err) {
		t.Errorf("the link is left after Close (%v)", err)
	}
	if err := u.Error("crun", jobErr); err != jobErr {
		t.Errorf("after Close: %v", err)
	}

	other := fakeRuntime(t, "runc")
	v, err := other.UnitCreate("ctr2", bundle)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if v.Path != other.Path || v.Argv[0] != other.Path {
		t.Errorf("runc: path %q, argv[0] %q", v.Path, v.Argv[0])
	}
}
