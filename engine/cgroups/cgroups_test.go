package cgroups

import (
	"os"
	"path/filepath"
	"testing"
)

// fakeTree writes files under a temporary cgroup root.
func fakeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, data := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestFrozen(t *testing.T) {
	root := fakeTree(t, map[string]string{
		"freezer/a/freezer.state":       "FROZEN\n",
		"freezer/b/freezer.state":       "THAWED\n",
		"unified/u/cgroup.freeze":       "1\n",
		"unified/u/ctr/cgroup.freeze":   "0\n",
		"unified/v/ctr/cgroup.freeze":   "0\n",
		"unified/v/cgroup.freeze":       "0\n",
		"unified/cgroup.freeze":         "0\n",
		"unified/cgroup.controllers":    "",
		"freezer/b/ctr/freezer.state":   "THAWED\n",
		"freezer/a/ctr/freezer.state":   "FREEZING\n",
		"unified/w/ctr/cgroup.freeze":   "1\n",
		"unified/w/cgroup.freeze":       "0\n",
		"freezer/notfrozen/placeholder": "",
	})
	cases := []struct {
		set  Set
		v1   bool
		v2   bool
		name string
	}{
		{Set{V1: map[string]string{"freezer": root + "/freezer/a"}}, true, false, "v1 frozen"},
		{Set{V1: map[string]string{"freezer": root + "/freezer/a/ctr"}}, true, false, "v1 freezing"},
		{Set{V1: map[string]string{"freezer": root + "/freezer/b"}}, false, false, "v1 thawed"},
		{Set{Unified: root + "/unified/u/ctr"}, false, true, "v2 parent frozen (FreezeUnit)"},
		{Set{Unified: root + "/unified/v/ctr"}, false, false, "v2 thawed"},
		{Set{Unified: root + "/unified/w/ctr"}, false, true, "v2 own cgroup frozen"},
		{Set{}, false, false, "nothing mounted"},
	}
	for _, c := range cases {
		if got := c.set.FrozenV1(); got != c.v1 {
			t.Errorf("%s: FrozenV1 %v", c.name, got)
		}
		if got := c.set.FrozenV2(); got != c.v2 {
			t.Errorf("%s: FrozenV2 %v", c.name, got)
		}
	}
}

func TestUsageV1(t *testing.T) {
	root := fakeTree(t, map[string]string{
		"cpuacct/c/cpuacct.usage":                           "5000000\n",
		"cpuacct/c/cpuacct.usage_sys":                       "1000000\n",
		"memory/memory.limit_in_bytes":                      "9223372036854771712\n",
		"memory/slice/memory.limit_in_bytes":                "67108864\n",
		"memory/slice/c/memory.limit_in_bytes":              "9223372036854771712\n",
		"memory/slice/c/memory.usage_in_bytes":              "3000000\n",
		"memory/slice/c/memory.stat":                        "cache 10\ntotal_inactive_file 1000000\n",
		"pids/c/pids.current":                               "4\n",
		"blkio/c/blkio.throttle.io_service_bytes_recursive": "8:0 Read 100\n8:0 Write 20\n8:16 Read 5\nTotal 125\n",
	})
	s := Set{V1: map[string]string{"cpuacct": root + "/cpuacct/c", "memory": root + "/memory/slice/c",
		"pids": root + "/pids/c", "blkio": root + "/blkio/c"}}
	u := s.counters()
	want := Usage{CPUNanos: 5000000, SystemNanos: 1000000, MemUsage: 2000000, MemLimit: 67108864, PIDs: 4,
		BlockRead: 105, BlockWrite: 20, HasBlock: true}
	if u != want {
		t.Errorf("v1 usage %+v, want %+v", u, want)
	}
}

func TestUsageV2(t *testing.T) {
	root := fakeTree(t, map[string]string{
		"u/cpu.stat":       "usage_usec 7\nuser_usec 5\nsystem_usec 2\n",
		"u/memory.current": "4096\n",
		"u/memory.max":     "max\n",
		"u/memory.stat":    "anon 10\ninactive_file 1024\n",
		"u/pids.current":   "2\n",
		"u/io.stat":        "8:0 rbytes=10 wbytes=20 rios=1 wios=2\n8:16 rbytes=1 wbytes=2\n",
	})
	s := Set{Unified: root + "/u", V1: map[string]string{}}
	u := s.counters()
	want := Usage{CPUNanos: 7000, SystemNanos: 2000, MemUsage: 3072, PIDs: 2, BlockRead: 11, BlockWrite: 22, HasBlock: true}
	if u != want {
		t.Errorf("v2 usage %+v, want %+v", u, want)
	}
}
