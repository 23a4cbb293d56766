package engine

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestMemberNamespacesNeverShareTheHostsPID(t *testing.T) {
	cases := map[string][]nsEntry{
		"pod without pid":    {{kind: "net", path: "/p/net"}, {kind: "ipc", path: "/p/ipc"}, {kind: "uts"}},
		"host network":       {{kind: "ipc"}, {kind: "uts"}},
		"container: network": {{kind: "ipc"}, {kind: "uts"}, {kind: "net", path: "/proc/1/ns/net"}},
	}
	for name, entries := range cases {
		pid := 0
		for _, ns := range memberNamespaces(entries) {
			if ns.Type == specs.PIDNamespace {
				pid++
				if ns.Path != "" {
					t.Errorf("%s: PID namespace joined at %s", name, ns.Path)
				}
			}
		}
		if pid != 1 {
			t.Errorf("%s: %d PID namespaces, want one fresh", name, pid)
		}
	}
	shared := memberNamespaces([]nsEntry{{kind: "pid", path: "/proc/42/ns/pid"}})
	n := 0
	for _, ns := range shared {
		if ns.Type == specs.PIDNamespace {
			n++
			if ns.Path != "/proc/42/ns/pid" {
				t.Errorf("shared PID namespace path %q", ns.Path)
			}
		}
	}
	if n != 1 {
		t.Errorf("a pod sharing pid got %d PID namespaces", n)
	}
}
