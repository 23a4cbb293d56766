package e2e

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
	"github.com/podunit/podunit/test/testimage"
)

// env is one podunit installation under test: a binary, a private storage
// root and run root, and optionally the sandbox systemd it runs under.
type env struct {
	t       testing.TB
	sb      *harness.Sandbox // nil: run on the host, where PID 1 is not systemd
	bin     string
	dir     string
	runtime string
	// noGlobals: use storage.conf's default paths and runtime (boot tests)
	noGlobals bool
	// noDriver: no --storage-driver, so podunit finds the root's driver
	noDriver bool
	// runRoot, where set, replaces dir/run: a path on the sandbox's own /run,
	// which a reboot wipes as a real one does
	runRoot string
}

// result is one podunit invocation's outcome.
type result struct {
	out, err string
	code     int
}

func newEnv(t testing.TB, sb *harness.Sandbox, runtime string) *env {
	t.Helper()
	harness.RequireRoot(t)
	e := &env{t: t, sb: sb, bin: harness.BuildPodunit(t), dir: harness.TempDir(t), runtime: runtime}
	conf := []byte("unqualified-search-registries = []\n")
	if err := os.WriteFile(filepath.Join(e.dir, "registries.conf"), conf, 0o644); err != nil {
		t.Fatal(err)
	}
	// No bridge, veth or iptables rule in the host's namespace: containers
	// default to a network namespace of their own with only lo. Network
	// tests opt in with --network, inside a sandbox with its own namespace.
	conf = []byte("[containers]\nnetns = \"none\"\n")
	if err := os.WriteFile(filepath.Join(e.dir, "containers.conf"), conf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.removeAll)
	return e
}

// on returns the env bound to t, for use inside a subtest.
func (e *env) on(t testing.TB) *env {
	c := *e
	c.t = t
	return &c
}

// runDir is e's run root.
func (e *env) runDir() string {
	if e.runRoot != "" {
		return e.runRoot
	}
	return filepath.Join(e.dir, "run")
}

// globals are the flags that keep this env apart from every other.
func (e *env) globals() []string {
	if e.noGlobals {
		return nil
	}
	g := []string{"--root", filepath.Join(e.dir, "root"), "--runroot", e.runDir()}
	if !e.noDriver {
		g = append(g, "--storage-driver", "overlay")
	}
	return append(g, "--runtime", e.runtime)
}

func (e *env) command(ctx context.Context, args ...string) *exec.Cmd {
	full := append(e.globals(), args...)
	var cmd *exec.Cmd
	if e.sb != nil {
		cmd = e.sb.Command(ctx, e.bin, full...)
	} else {
		cmd = exec.CommandContext(ctx, e.bin, full...)
	}
	// No registry but the tests' own: a short name must never reach the network.
	if e.dir != "" {
		cmd.Env = append(os.Environ(), "CONTAINERS_REGISTRIES_CONF="+filepath.Join(e.dir, "registries.conf"),
			"CONTAINERS_CONF="+filepath.Join(e.dir, "containers.conf"))
	}
	return cmd
}

// run runs podunit with args and returns what it printed and its exit code.
func (e *env) run(args ...string) result {
	e.t.Helper()
	return e.runIn(nil, args...)
}

// runIn is run with stdin (nil: none) as podunit's standard input.
func (e *env) runIn(stdin io.Reader, args ...string) result {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	cmd := e.command(ctx, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		e.t.Fatalf("podunit %s: %v", strings.Join(args, " "), err)
	}
	return result{out: out.String(), err: errb.String(), code: code}
}

// must runs podunit and fails the test unless it exits 0; it returns stdout.
func (e *env) must(args ...string) string {
	e.t.Helper()
	r := e.run(args...)
	if r.code != 0 {
		e.t.Fatalf("podunit %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.out, r.err)
	}
	return r.out
}

// sh runs a shell command where podunit runs (host or sandbox).
func (e *env) sh(script string) string {
	e.t.Helper()
	var cmd *exec.Cmd
	if e.sb != nil {
		cmd = e.sb.Command(context.Background(), "sh", "-c", script)
	} else {
		cmd = exec.Command("sh", "-c", script)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		e.t.Fatalf("sh -c %q: %v\n%s", script, err, out)
	}
	return string(out)
}

// image imports the busybox test rootfs as localhost/bb:latest.
func (e *env) image() {
	e.t.Helper()
	tar := filepath.Join(e.dir, "rootfs.tar")
	if err := testimage.RootfsTar(tar); err != nil {
		e.t.Fatal(err)
	}
	e.must("image", "import", tar, "bb")
}

// removeAll removes every container (stopping units) so nothing stays running.
func (e *env) removeAll() {
	r := e.run("ps", "-aq")
	for _, id := range strings.Fields(r.out) {
		e.run("rm", "-f", "-t", "0", id)
	}
}

// field reads one inspect template value of a container.
func (e *env) field(name, tmpl string) string {
	e.t.Helper()
	return strings.TrimSpace(e.must("inspect", "--format", tmpl, name))
}

// eventually polls cond until it holds or the timeout passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
