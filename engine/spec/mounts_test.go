package spec

import (
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func destinations(ms []specs.Mount) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Destination)
	}
	return out
}

func TestStandardMounts(t *testing.T) {
	s := mustGenerate(t, testInput(t))
	want := []string{"/proc", "/dev", "/sys", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys/fs/cgroup"}
	if got := destinations(s.Mounts); !slices.Equal(got, want) {
		t.Fatalf("mounts = %v, want %v", got, want)
	}
	checks := map[string][]string{
		"/dev":           {"nosuid", "strictatime", "mode=755", "size=65536k"},
		"/dev/shm":       {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"},
		"/sys":           {"nosuid", "noexec", "nodev", "ro"},
		"/sys/fs/cgroup": {"nosuid", "noexec", "nodev", "relatime", "ro"},
	}
	for dest, opts := range checks {
		if m, _ := findMount(s, dest); !slices.Equal(m.Options, opts) {
			t.Errorf("%s options = %v, want %v", dest, m.Options, opts)
		}
	}
	if m, _ := findMount(s, "/sys/fs/cgroup"); m.Type != "cgroup" {
		t.Errorf("/sys/fs/cgroup type %q", m.Type)
	}
}

func TestReadOnly(t *testing.T) {
	in := testInput(t)
	in.ReadOnly = true
	in.Tmpfs = []string{"/tmp:size=1m"}
	s := mustGenerate(t, in)
	if !s.Root.Readonly {
		t.Error("root not read-only")
	}
	for _, dest := range []string{"/tmp", "/var/tmp", "/run"} {
		m, ok := findMount(s, dest)
		if !ok || m.Type != "tmpfs" {
			t.Errorf("%s: %+v", dest, m)
		}
	}
	if m, _ := findMount(s, "/tmp"); !slices.Equal(m.Options, []string{"rw", "nosuid", "nodev", "size=1m"}) {
		t.Errorf("caller's /tmp lost to the default: %v", m.Options)
	}
	if m, _ := findMount(s, "/run"); !slices.Contains(m.Options, "tmpcopyup") {
		t.Errorf("/run options %v", m.Options)
	}
}

func TestUserMounts(t *testing.T) {
	tests := []struct {
		name string
		m    Mount
		want []string
	}{
		{"rw", Mount{Source: "/srv", Destination: "/data"}, []string{"rbind", "rw"}},
		{"ro", Mount{Source: "/srv", Destination: "/data", ReadOnly: true}, []string{"rbind", "ro"}},
		{"ro wins over rw", Mount{Source: "/srv", Destination: "/data", ReadOnly: true, Options: []string{"rw", "z"}}, []string{"rbind", "ro", "z"}},
		{"options", Mount{Source: "/srv", Destination: "/data/", Options: []string{"rslave", "noexec"}}, []string{"rbind", "rw", "rslave", "noexec"}},
		{"plain bind", Mount{Source: "/srv", Destination: "/data", Options: []string{"bind", "ro"}}, []string{"bind", "ro"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := testInput(t)
			in.Mounts = []Mount{tt.m}
			m, ok := findMount(mustGenerate(t, in), "/data")
			if !ok || m.Type != "bind" || m.Source != "/srv" || !slices.Equal(m.Options, tt.want) {
				t.Errorf("mount %+v, want options %v", m, tt.want)
			}
		})
	}
}

func TestTmpfsOptions(t *testing.T) {
	tests := map[string][]string{
		"/t":                    {"rw", "nosuid", "nodev"},
		"/t:size=64m,mode=1777": {"rw", "nosuid", "nodev", "size=64m", "mode=1777"},
		"/t:ro":                 {"nosuid", "nodev", "ro"},
		"/t:exec,suid,dev":      {"rw", "exec", "suid", "dev"},
		"/t:nodev,noexec":       {"rw", "nosuid", "nodev", "noexec"},
	}
	for spec, want := range tests {
		m, err := tmpfsMount(spec)
		if err != nil || m.Destination != "/t" || m.Type != "tmpfs" || !slices.Equal(m.Options, want) {
			t.Errorf("%s: %+v %v, want options %v", spec, m, err, want)
		}
	}
}

func TestMountOrder(t *testing.T) {
	in := testInput(t)
	in.Mounts = []Mount{
		{Source: "/h/c", Destination: "/a/b/c"},
		{Source: "/h/shm", Destination: "/dev/shm"},
		{Source: "/h/a", Destination: "/a"},
		{Source: "/h/b", Destination: "/a/b"},
	}
	s := mustGenerate(t, in)
	got := destinations(s.Mounts)
	want := []string{"/proc", "/dev", "/sys", "/a", "/dev/pts", "/dev/mqueue", "/dev/shm", "/a/b", "/sys/fs/cgroup", "/a/b/c"}
	if !slices.Equal(got, want) {
		t.Errorf("mounts = %v, want %v", got, want)
	}
	if m, _ := findMount(s, "/dev/shm"); m.Source != "/h/shm" {
		t.Errorf("/dev/shm = %+v: the caller's bind should replace the default", m)
	}
}
