package e2e

import (
	"regexp"
	"strings"
	"testing"
)

// defaultCaps is the bit mask of Podman's 11 default capabilities: CHOWN,
// DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP,
// NET_BIND_SERVICE, SYS_CHROOT and SETFCAP.
const defaultCaps = "00000000800405fb"

// TestSecurityDefaults reads a default container's own view of itself.
func TestSecurityDefaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	status := e.must("run", "--rm", "bb", "cat", "/proc/1/status")
	want := map[string]string{
		"CapInh": "0000000000000000", "CapPrm": defaultCaps, "CapEff": defaultCaps,
		"CapBnd": defaultCaps, "CapAmb": "0000000000000000", "Seccomp": "2",
	}
	for key, val := range want {
		m := regexp.MustCompile(`(?m)^` + key + `:\s+(\S+)$`).FindStringSubmatch(status)
		if m == nil || m[1] != val {
			t.Errorf("%s = %v, want %s", key, m, val)
		}
	}
	if r := e.run("run", "--rm", "bb", "head", "-c", "1", "/proc/kcore"); r.code == 0 {
		t.Errorf("/proc/kcore was readable: %q", r.out)
	}
	if r := e.run("run", "--rm", "bb", "sh", "-c", "echo x > /proc/sys/kernel/domainname"); r.code == 0 {
		t.Errorf("/proc/sys was writable")
	}
	t.Run("cap-drop and cap-add", func(t *testing.T) {
		e := e.on(t)
		out := e.must("run", "--rm", "--cap-drop", "ALL", "--cap-add", "NET_ADMIN", "bb", "grep", "CapEff", "/proc/1/status")
		if !strings.Contains(out, "0000000000001000") {
			t.Errorf("--cap-drop ALL --cap-add NET_ADMIN: %q", out)
		}
	})
	t.Run("privileged", func(t *testing.T) {
		e := e.on(t)
		out := e.must("run", "--rm", "--privileged", "bb", "grep", "Seccomp:", "/proc/1/status")
		if !strings.Contains(out, "0") || strings.Contains(out, "2") {
			t.Errorf("--privileged still filtered: %q", out)
		}
	})
	t.Run("read-only rootfs", func(t *testing.T) {
		e := e.on(t)
		if r := e.run("run", "--rm", "--read-only", "bb", "touch", "/file"); r.code == 0 {
			t.Errorf("--read-only rootfs was writable")
		}
		e.must("run", "--rm", "--read-only", "bb", "touch", "/tmp/file")
	})
	t.Run("pids limit", func(t *testing.T) {
		e := e.on(t)
		out := e.must("run", "--rm", "bb", "sh", "-c", "cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max")
		if strings.TrimSpace(out) != "2048" {
			t.Errorf("pids.max = %q, want 2048", out)
		}
	})
}
