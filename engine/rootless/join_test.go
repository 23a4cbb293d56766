package rootless

import (
	"os"
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
