package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// fullRoot puts e's storage root on a small tmpfs of its own, so that a
// test can fill it; the tmpfs goes when the test ends.
func fullRoot(t *testing.T, e *env) string {
	t.Helper()
	root := filepath.Join(e.dir, "root")
	if err := os.MkdirAll(root, 0o700); err != nil {
		t.Fatal(err)
	}
	e.sh("mount -t tmpfs -o size=48m tmpfs " + root) // where podunit runs: host or sandbox
	t.Cleanup(func() {
		e.removeAll()
		if e.sb == nil {
			_ = exec.Command("umount", "-l", root).Run()
		}
	})
	return root
}

// fillFull checkpoints e's state database (so that its WAL holds no
// reusable pages, as after the last close of a quiet database) and fills
// the file system at root, where podunit runs.
func fillFull(t *testing.T, e *env, root string) {
	t.Helper()
	e.sh("sqlite3 " + e.stateDB() + " 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null; " +
		"dd if=/dev/zero of=" + root + "/fill bs=1M 2>/dev/null; dd if=/dev/zero of=" + root + "/fill2 bs=4k 2>/dev/null; " +
		"dd if=/dev/zero of=" + root + "/fill3 bs=1 2>/dev/null; true")
}

// TestFullDiskRemovalAndTruth: with the storage root full, ps still tells
// what runs and what does not, and rm -f removes a running container.
func TestFullDiskRemovalAndTruth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	root := fullRoot(t, e)
	e.image()
	e.must("run", "--name", "done", "bb", "true")
	killedRun(t, e, "up")
	victim := killedRun(t, e, "victim")
	fillFull(t, e, root)
	if r := e.run("create", "--name", "more", "bb", "true"); r.code != 125 {
		t.Errorf("create on a full disk (it must leave the reserve alone): exit %d, %q", r.code, r.err)
		e.run("rm", "-f", "more")
	}
	e.sh("kill -9 " + victim)
	eventually(t, 10*time.Second, "victim's init gone", func() bool {
		_, err := os.Stat("/proc/" + victim)
		return err != nil
	})
	if got := e.must("ps", "-a", "--format", "{{.Names}} {{.State}}"); got != "done exited\nup running\nvictim exited\n" {
		t.Errorf("ps -a on a full disk = %q", got)
	}
	for _, name := range []string{"up", "victim", "done"} {
		if r := e.run("rm", "-f", "-t", "0", name); r.code != 0 {
			t.Errorf("rm -f %s on a full disk: exit %d, %s", name, r.code, r.err)
		}
	}
	if got := e.must("ps", "-a", "--format", "{{.Names}} {{.State}}"); strings.TrimSpace(got) != "" {
		t.Errorf("ps -a after removing everything on a full disk = %q", got)
	}
}

// TestFullDiskUnderSystemd: on a full storage root, rm -f of a unit-run
// container stops its unit and removes it, and ps never says Up for a
// container whose unit has stopped.
func TestFullDiskUnderSystemd(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	root := fullRoot(t, e)
	e.image()
	e.must("run", "-d", "--name", "up", "bb", "sleep", "600")
	e.must("run", "-d", "--name", "down", "bb", "sleep", "600")
	fillFull(t, e, root)
	sb.Run(t, "systemctl", "stop", "podunit-down.service")
	if got := e.must("ps", "-a", "--format", "{{.Names}} {{.State}}"); got != "up running\ndown exited\n" {
		t.Errorf("ps -a on a full disk = %q", got)
	}
	for _, name := range []string{"up", "down"} {
		if r := e.run("rm", "-f", "-t", "0", name); r.code != 0 {
			t.Errorf("rm -f %s on a full disk: exit %d, %s", name, r.code, r.err)
		}
	}
	if got := e.must("ps", "-a"); strings.Count(got, "\n") != 1 {
		t.Errorf("ps -a after removing everything on a full disk:\n%s", got)
	}
}
