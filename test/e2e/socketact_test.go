package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// socketUnits are the .socket units of TestBootSocketActivation: one
// named apart from its service (Service=), one giving its descriptor a name.
var socketUnits = map[string]string{
	"podunit-web.socket": "[Socket]\nListenStream=127.0.0.1:8431\nService=web.service\n",
	"webr.socket":        "[Socket]\nListenStream=127.0.0.1:8432\nFileDescriptorName=http\n",
}

// socketFiles are the containers the sockets start: a static server that
// serves on descriptor 3 and answers with what it was given, on crun and
// on runc (GlobalArgs=--runtime runc), with no network of their own.
func socketFiles(dir string) map[string]string {
	src := `[Container]
Image=bb
ContainerName=%s
Network=none
Volume=%s:/srv:ro
Exec=/srv/sockserve
Pull=never
StopSignal=KILL
`
	return map[string]string{
		"web.container":  fmt.Sprintf(src, "web", dir),
		"webr.container": fmt.Sprintf(src, "webr", dir) + "GlobalArgs=--runtime runc\n",
	}
}

// TestBootSocketActivation: a request on a .socket unit's port starts the
// .container's unit, whose container gets the listening socket as fd 3 with
// LISTEN_FDS=1, LISTEN_PID=1 (its own pid) and LISTEN_FDNAMES, and answers;
// the container's init is the unit's main process; after a stop the next
// request starts it again.
func TestBootSocketActivation(t *testing.T) {
	t.Parallel()
	server := harness.BuildPackage(t, "./test/e2e/testdata/sockserve")
	opts, host, sources := bootEnv(t)
	opts.Net = true
	replaceSources(t, sources, socketFiles(filepath.Dir(server)))
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "web.service", "webr.service", "podunit-web.socket", "webr.socket")
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	for name, text := range socketUnits {
		e.sh(fmt.Sprintf("cat > /etc/systemd/system/%s <<'EOF'\n%sEOF", name, text))
	}
	sb.Run(t, "systemctl", "daemon-reload")
	sb.Run(t, "systemctl", "start", "podunit-web.socket", "webr.socket")
	if got := strings.TrimSpace(e.sh("systemctl is-active web.service webr.service || true")); got != "inactive\ninactive" {
		t.Fatalf("the services run before any request:\n%s", got)
	}
	get := func(port int) string {
		out, errOut, code, _ := sb.Exec("curl", "-sS", "--max-time", "30", fmt.Sprintf("http://127.0.0.1:%d/", port))
		if code != 0 {
			t.Fatalf("curl on port %d: exit %d: %s", port, code, errOut)
		}
		return strings.TrimSpace(out)
	}
	for _, c := range []struct {
		port                int
		unit, name, runtime string
		want                string
	}{
		{8431, "web.service", "web", "crun", "activated pid=1 LISTEN_PID=1 LISTEN_FDS=1 LISTEN_FDNAMES=podunit-web.socket"},
		{8432, "webr.service", "webr", "runc", "activated pid=1 LISTEN_PID=1 LISTEN_FDS=1 LISTEN_FDNAMES=http"},
	} {
		if got := get(c.port); got != c.want {
			t.Errorf("%s answered %q, want %q", c.unit, got, c.want)
		}
		if got := e.field(c.name, "{{.OCIRuntime}}"); got != c.runtime {
			t.Errorf("%s runs on %s, want %s", c.name, got, c.runtime)
		}
		main := strings.TrimSpace(e.sh("systemctl show -P MainPID " + c.unit))
		if pid := e.field(c.name, "{{.State.Pid}}"); pid != main {
			t.Errorf("%s: main pid %s, the container's init %s", c.unit, main, pid)
		}
	}
	if got := strings.TrimSpace(e.sh("pgrep -x podunit || true")); got != "" {
		t.Errorf("podunit processes stay while the activated containers run: %s", got)
	}
	sb.Run(t, "systemctl", "stop", "web.service")
	sb.WaitActive(t, "web.service", "inactive", 20*time.Second)
	if got := get(8431); !strings.HasPrefix(got, "activated pid=1 LISTEN_PID=1 LISTEN_FDS=1") {
		t.Errorf("after a stop the socket's next request got %q", got)
	}
}
