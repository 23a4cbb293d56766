package spec

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// testHost is a fixed machine: amd64, every capability the capability
// library knows, nofile 1024/20000, nproc 4096/8192, cgroup namespaces.
func testHost() host {
	var caps []string
	for _, c := range capability.List() {
		caps = append(caps, "CAP_"+strings.ToUpper(c.String()))
	}
	slices.Sort(caps)
	return host{
		arch: "amd64",
		caps: caps,
		rlimits: map[string]specs.POSIXRlimit{
			"RLIMIT_NOFILE": {Type: "RLIMIT_NOFILE", Soft: 1024, Hard: 20000},
			"RLIMIT_NPROC":  {Type: "RLIMIT_NPROC", Soft: 4096, Hard: 8192},
			"RLIMIT_CORE":   {Type: "RLIMIT_CORE", Soft: 0, Hard: ^uint64(0)},
		},
		cgroupNS: true,
	}
}

const testPasswd = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
www:x:33:33:www:/var/www:/usr/sbin/nologin
alice:x:1000:1000:Alice:/home/alice:/bin/sh
`

const testGroup = `root:x:0:
daemon:x:1:
www:x:33:
staff:x:50:alice
alice:x:1000:
`

// testRootfs returns a rootfs with /etc/passwd and /etc/group.
func testRootfs(t testing.TB) string {
	t.Helper()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"passwd": testPasswd, "group": testGroup} {
		if err := os.WriteFile(filepath.Join(root, "etc", name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func testInput(t testing.TB) Input {
	t.Helper()
	return Input{
		ID:     "0123456789abcdef0123456789abcdef",
		Name:   "web",
		Rootfs: testRootfs(t),
		Args:   []string{"/bin/sh", "-c", "sleep infinity"},
		Env:    []string{"FOO=bar"},
	}
}

// mustGenerate generates in on testHost.
func mustGenerate(t *testing.T, in Input) *specs.Spec {
	t.Helper()
	s, err := generate(in, testHost())
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return s
}

func findMount(s *specs.Spec, dest string) (specs.Mount, bool) {
	for _, m := range s.Mounts {
		if m.Destination == dest {
			return m, true
		}
	}
	return specs.Mount{}, false
}
