package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestRootfulPasta: on the host with runc, root's container on
// --network pasta:-I,pu1 (Podman 5 lets root use pasta) has pasta's
// interface by the name asked for and its DNS forwarder first in
// resolv.conf, and -p 127.0.0.1:P:80 answers on the host's loopback
// through its own pasta, which ends with the container.
func TestRootfulPasta(t *testing.T) {
	// not parallel: pasta publishes a port in the host's network namespace
	if _, err := exec.LookPath("pasta"); err != nil {
		t.Fatal("pasta is missing (Debian: apt-get install passt)")
	}
	e := newEnv(t, nil, "runc")
	e.image()
	port := 21000 + os.Getpid()%5000
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out bytes.Buffer
	cmd := e.command(ctx, "run", "--rm", "--name", "rp", "--network", "pasta:-I,pu1", "-p", fmt.Sprintf("127.0.0.1:%d:80", port),
		"bb", "sh", "-c", "head -n1 /etc/resolv.conf; grep -o pu1: /proc/net/dev; echo published > /tmp/i; exec httpd -f -p 80 -h /tmp")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := fmt.Sprintf("http://127.0.0.1:%d/i", port)
	eventually(t, 30*time.Second, "root's pasta to publish "+url, func() bool {
		resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(url)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body) == "published\n"
	})
	pidFile := filepath.Join(e.runDir(), "podunit", "pasta", e.field("rp", "{{.Id}}")+".pid")
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("root's pasta pid file: %v", err)
	}
	e.must("kill", "rp")
	if err := cmd.Wait(); err == nil || !strings.HasPrefix(out.String(), "nameserver 169.254.1.1\npu1:\n") {
		t.Errorf("root's container on pasta:-I,pu1 printed %q (exit %v); want pasta's DNS forwarder, then pu1", out.String(), err)
	}
	pid := strings.TrimSpace(string(data))
	eventually(t, 30*time.Second, "root's pasta (pid "+pid+") to end with its container", func() bool {
		cmdline, _ := os.ReadFile("/proc/" + pid + "/cmdline")
		_, statErr := os.Stat(pidFile)
		return !bytes.Contains(cmdline, []byte(pidFile)) && os.IsNotExist(statErr)
	})
	if _, err := strconv.Atoi(pid); err != nil {
		t.Errorf("pid file %s holds %q", pidFile, data)
	}
}

// checkRootfulPastaUnit (in TestRootlessUnderSystemd's boot, which shares
// the host's network namespace): root's run -d --network pasta with
// -p 127.0.0.1:P:80 is a system unit whose container answers on the
// host's loopback through its own pasta, in the unit's cgroup, which ends
// when the unit stops.
func checkRootfulPastaUnit(t *testing.T, sb *harness.Sandbox) {
	defer logCost(t, "checkRootfulPastaUnit", time.Now())
	e := newEnv(t, sb, "crun")
	e.image()
	port := 30000 + os.Getpid()%5000
	e.must("run", "-d", "--name", "rpu", "--network", "pasta", "-p", fmt.Sprintf("127.0.0.1:%d:80", port),
		"bb", "sh", "-c", "echo published > /tmp/i; exec httpd -f -p 80 -h /tmp")
	eventually(t, 30*time.Second, "root's unit on pasta to answer on the host's loopback", func() bool {
		out, _, _, _ := sb.Exec("curl", "-sS", "--max-time", "5", fmt.Sprintf("http://127.0.0.1:%d/i", port))
		return out == "published\n"
	})
	pidFile := filepath.Join(e.runDir(), "podunit", "pasta", e.field("rpu", "{{.Id}}")+".pid")
	pid := strings.TrimSpace(sb.Run(t, "cat", pidFile))
	if cg := sb.Run(t, "cat", "/proc/"+pid+"/cgroup"); !strings.Contains(cg, "podunit-rpu.service") {
		t.Errorf("root's pasta (pid %s) is in cgroup %q, want its container's unit's", pid, cg)
	}
	e.must("stop", "-t", "1", "rpu")
	eventually(t, 30*time.Second, "root's pasta (pid "+pid+") to end with its unit", func() bool {
		st, _, code, _ := sb.Exec("grep", "^State:", "/proc/"+pid+"/status")
		return code != 0 || strings.Contains(st, "zombie")
	})
	e.must("rm", "rpu")
}
