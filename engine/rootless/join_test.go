package rootless

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestSameMapComparesProcText(t *testing.T) {
	m := []IDMap{{0, 1001, 1}, {1, 100000, 65536}}
	text := "         0       1001          1\n         1     100000      65536\n"
	if !sameMap(text, m) {
		t.Errorf("the kernel's layout of the same map differs")
	}
	for _, other := range []string{"0 1001 1\n", "0 0 4294967295\n", "0 1002 1\n1 100000 65536\n"} {
		if sameMap(other, m) {
			t.Errorf("%q taken for %v", other, m)
		}
	}
}

func TestSameNamespaceOfThisProcess(t *testing.T) {
	same, err := SameNamespace(os.Getpid())
	if err != nil || !same {
		t.Fatalf("this process: %v, %v", same, err)
	}
	if _, err := SameNamespace(1 << 30); err == nil {
		t.Fatal("a pid that does not exist gave no error")
	}
}

// A child's AskJoin reaches the parent's joinAsked through the pipe
// AwaitMaps took from the environment, which it leaves clean.
func TestAskJoinReachesTheParent(t *testing.T) {
	wait, release, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	asked, told, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer asked.Close()
	if _, err := release.Write([]byte{1}); err != nil {
		t.Fatal(err)
	}
	release.Close()
	t.Setenv(envWait, strconv.Itoa(int(wait.Fd())))
	t.Setenv(envJoin, strconv.Itoa(int(told.Fd())))
	join, err := AwaitMaps()
	if err != nil || join == nil {
		t.Fatalf("AwaitMaps: %v, %v", join, err)
	}
	if os.Getenv(envJoin) != "" {
		t.Error("the join fd stays in the environment for what podunit runs next")
	}
	if !AskJoin(join, 4242) {
		t.Fatal("AskJoin failed")
	}
	join.Close()
	if got := joinAsked(asked); got != 4242 {
		t.Fatalf("the parent read %d", got)
	}
	if AskJoin(nil, 1) {
		t.Error("with no parent listening AskJoin said yes")
	}
}

func TestJoinRefusesAPidOutsideTheUsersNamespace(t *testing.T) {
	p := Plan{UID: 1001, UIDMap: []IDMap{{0, 1001, 1}, {1, 100000, 65536}}}
	_, err := Join(p, os.Getpid(), "/bin/true", []string{"podunit"}, nil)
	if !errdefs.IsConflict(err) || !strings.Contains(err.Error(), "not in the user's namespace") {
		t.Fatalf("want a conflict naming the namespace, got %v", err)
	}
}

// Rejoin of a pid that ended before it could be joined runs the command
// afresh in a namespace of its own, as Reexec: the child here (a shell
// that waits for its maps on fd 3) exits 7, which Rejoin returns; Join
// alone says the pid is gone. As root, the two map helpers are scripts
// that write the maps themselves.
func TestRejoinStartsAfreshWhenThePidIsGone(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("this test needs root: it makes a user namespace and writes its maps")
	}
	dir := t.TempDir()
	for _, name := range []string{"newuidmap", "newgidmap"} {
		script := "#!/bin/sh\npid=$1; shift; echo \"$1 $2 $3\" > /proc/$pid/" + name[3:6] + "_map\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Fatal(err)
	}
	p := ownMap(t)
	p.GIDMap = p.UIDMap
	p.NewUIDMap, p.NewGIDMap = filepath.Join(dir, "newuidmap"), filepath.Join(dir, "newgidmap")
	args := []string{"sh", "-c", "read -r x <&3; exit 7"}
	if _, err := Join(p, ended.Process.Pid, "/bin/sh", args, nil); !errors.Is(err, errGone) {
		t.Fatalf("Join of an ended pid: %v, want errGone", err)
	}
	code, err := Rejoin(p, ended.Process.Pid, "/bin/sh", args, nil)
	if err != nil || code != 7 {
		t.Fatalf("Rejoin of an ended pid: exit %d, %v; want the fresh run's 7", code, err)
	}
}
