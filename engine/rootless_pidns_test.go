package engine

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/model"
)

func TestSharedKinds(t *testing.T) {
	for _, tc := range []struct {
		share   []string
		network string
		want    []string
	}{
		{[]string{"ipc", "net", "uts"}, "", []string{"net", "ipc", "uts"}},
		{[]string{"pid", "net"}, "", []string{"net"}},
		{[]string{"ipc", "net", "uts"}, "host", []string{"ipc", "uts"}},
		{nil, "", nil},
	} {
		p := &model.Pod{Config: model.PodConfig{Share: tc.share, Network: tc.network}}
		if got := sharedKinds(p); !slices.Equal(got, tc.want) {
			t.Errorf("%v %q: %v, want %v", tc.share, tc.network, got, tc.want)
		}
	}
}

// holdNamespaces keeps a process's namespaces open past its end, named as
// this process's fds; a process that ended first gives nil.
func TestHoldNamespacesOutlivesTheProcess(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	e := &Engine{}
	held := e.holdNamespaces(cmd.Process.Pid, []string{"net", "uts"})
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if len(held) != 2 {
		t.Fatalf("held %v", held)
	}
	for kind, path := range held {
		got, err := os.Readlink(path)
		want, _ := os.Readlink("/proc/self/ns/" + kind)
		if err != nil || got != want || !strings.HasPrefix(path, "/proc/") {
			t.Errorf("%s: %s is %q (%v), want %q", kind, path, got, err, want)
		}
	}
	e.releasePodNS()
	if _, err := os.Readlink(held["net"]); err == nil {
		t.Error("releasePodNS left the namespaces open")
	}
	if e.holdNamespaces(cmd.Process.Pid, []string{"net"}) != nil {
		t.Error("an ended process's namespaces were held")
	}
}
