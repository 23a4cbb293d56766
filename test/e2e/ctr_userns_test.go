package e2e

import (
	"strings"
	"testing"
)

// TestUserNSModesOnHost: --userns host (and "", its alias) runs in the
// host's user namespace, read in /proc/self/uid_map with runc; keep-id and
// nomap, Podman's rootless modes, are refused for root as Podman does,
// naming the flag and value, exit 125, nothing created. (private and auto,
// which need /etc/subuid's containers range, are read under systemd in
// TestBootIdentity.)
func TestUserNSModesOnHost(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	for _, mode := range []string{"host", ""} {
		out := e.must("run", "--rm", "--userns", mode, "bb", "sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map")
		if got := strings.Join(strings.Fields(out), " "); got != "0 0 4294967295 0 0 4294967295" {
			t.Errorf("--userns %q: uid_map and gid_map %q, want the host's whole range", mode, got)
		}
	}
	for _, mode := range []string{"keep-id", "keep-id:uid=1000,gid=1000", "nomap"} {
		r := e.run("run", "--rm", "--userns", mode, "bb", "true")
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, "--userns") ||
			!strings.Contains(r.err, mode) || !strings.Contains(r.err, "rootless") {
			t.Errorf("--userns %s as root: exit %d, stderr %q; want 125 and an Error: naming it as rootless only", mode, r.code, r.err)
		}
	}
	if out := e.must("ps", "-a", "-q"); out != "" {
		t.Errorf("after the refusals ps -a -q = %q, want nothing", out)
	}
}
