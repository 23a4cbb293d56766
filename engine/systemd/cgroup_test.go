package systemd

import (
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestParseCgroup(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"unified", "0::/system.slice/podunit-web.service\n", "/system.slice/podunit-web.service"},
		{"hybrid", "12:memory:/system.slice/a.service\n1:name=systemd:/system.slice/a.service\n0::/system.slice/a.service\n", "/system.slice/a.service"},
		{"legacy", "3:cpu,cpuacct:/x\n1:name=systemd:/system.slice/b.service\n", "/system.slice/b.service"},
		{"legacy with a stray cgroup2", "1:name=systemd:/system.slice/c.service\n0::/\n", "/system.slice/c.service"},
		{"path with colons", "0::/a:b/c\n", "/a:b/c"},
		{"root", "0::/\n", "/"},
	}
	for _, c := range cases {
		got, err := parseCgroup(strings.NewReader(c.in))
		if err != nil || got != c.want {
			t.Errorf("%s: got %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}

func TestParseCgroupWithoutSystemdHierarchy(t *testing.T) {
	_, err := parseCgroup(strings.NewReader("4:memory:/x\n3:cpu:/y\n"))
	if !errdefs.IsUnavailable(err) {
		t.Fatalf("got %v, want ErrUnavailable", err)
	}
}

func TestOwnCgroup(t *testing.T) {
	got, err := OwnCgroup()
	if err != nil || !strings.HasPrefix(got, "/") {
		t.Fatalf("OwnCgroup() = %q, %v", got, err)
	}
}
