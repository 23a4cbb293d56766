package rootless

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

// ownMap is this process's uid map as a Plan's, so openUserNS takes this
// process (or a child of it) for one in the user's namespace.
func ownMap(t *testing.T) Plan {
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		t.Fatal(err)
	}
	var m []IDMap
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		var n [3]uint32
		for i := range n {
			v, err := strconv.ParseUint(f[i], 10, 32)
			if err != nil {
				t.Fatal(err)
			}
			n[i] = uint32(v)
		}
		m = append(m, IDMap{n[0], n[1], n[2]})
	}
	return Plan{UIDMap: m}
}

// The namespace of a process in the user's map is held open, and stays
// usable after the process ends.
func TestOpenUserNSHoldsTheNamespace(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ns, err := openUserNS(ownMap(t), cmd.Process.Pid)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if err != nil {
		t.Fatalf("openUserNS: %v", err)
	}
	defer ns.Close()
	ours, _ := os.Readlink("/proc/self/ns/user")
	held, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(ns.Fd())))
	if err != nil || held != ours {
		t.Fatalf("held %q (%v), want %q", held, err, ours)
	}
}

// A process that ended (reaped, or a zombie's pid reaped and gone) is
// errGone, for Reexec to start afresh; one in another map is a conflict.
func TestOpenUserNSGoneOrForeign(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if _, err := openUserNS(ownMap(t), cmd.Process.Pid); !errors.Is(err, errGone) {
		t.Errorf("an ended pid: want errGone, got %v", err)
	}
	p := Plan{UIDMap: []IDMap{{0, 1001, 1}, {1, 100000, 65536}}}
	_, err := openUserNS(p, os.Getpid())
	if !errdefs.IsConflict(err) || errors.Is(err, errGone) {
		t.Errorf("a pid in another map: want a conflict, got %v", err)
	}
}
