package systemd

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestSystemd boots a real systemd in a sandbox and runs the TestInSystemd
// tests inside it: the D-Bus client must live in the sandbox's namespaces,
// where /run/systemd/private is. The test binary is copied into a directory
// that the host and the sandbox both see, and re-run there through nsenter.
func TestSystemd(t *testing.T) {
	if os.Getenv(envInSandbox) != "" {
		t.Skip("already inside the sandbox")
	}
	harness.RequireRoot(t)
	sb := harness.Boot(t, harness.Options{})
	dir := harness.TempDir(t)
	bin := copySelf(t, dir)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := sb.Command(ctx, bin, "-test.run=^TestInSystemd", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), envInSandbox+"="+dir)
	out, err := cmd.CombinedOutput()
	t.Logf("inside the sandbox:\n%s", out)
	if err != nil || !strings.Contains(string(out), "\nPASS") {
		t.Fatalf("tests inside the sandbox failed: %v", err)
	}
}

// copySelf copies the running test binary into dir.
func copySelf(t *testing.T, dir string) string {
	t.Helper()
	src, err := os.Open("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(dir, "systemd.test")
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// inSandbox skips a test unless it runs inside the sandbox, and returns the
// shared directory and a connection.
func inSandbox(t *testing.T) (string, *Conn) {
	t.Helper()
	dir := os.Getenv(envInSandbox)
	if dir == "" {
		t.Skip("runs inside the sandbox, from TestSystemd")
	}
	c, err := Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return dir, c
}
