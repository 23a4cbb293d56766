package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/testimage"
)

// registrySetup is an in-process registry on 127.0.0.1 and the files that
// point podunit at it: a registries.conf (search registry for short names,
// insecure) given through $CONTAINERS_REGISTRIES_CONF, and two policies.
type registrySetup struct {
	host           string
	conf           string
	accept, reject string // policy.json files
}

func newRegistrySetup(t *testing.T, dir string) registrySetup {
	t.Helper()
	host := testimage.StartRegistry(t)
	r := registrySetup{host: host,
		conf:   filepath.Join(dir, "registries.conf"),
		accept: filepath.Join(dir, "accept.json"),
		reject: filepath.Join(dir, "reject.json"),
	}
	files := map[string]string{
		r.conf:   fmt.Sprintf("unqualified-search-registries = [%q]\n\n[[registry]]\nlocation = %q\ninsecure = true\n", host, host),
		r.accept: `{"default":[{"type":"insecureAcceptAnything"}]}`,
		r.reject: `{"default":[{"type":"reject"}]}`,
	}
	for p, content := range files {
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// runReg runs podunit like e.run, with $CONTAINERS_REGISTRIES_CONF set to r's
// (over e's own; e's CONTAINERS_CONF stays, so a run makes no bridge on the host).
func (r registrySetup) runReg(e *env, args ...string) result {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	cmd := e.command(ctx, args...)
	cmd.Env = append(cmd.Environ(), "CONTAINERS_REGISTRIES_CONF="+r.conf)
	cmd.Stdout, cmd.Stderr = &out, &errb
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

func (r registrySetup) mustReg(e *env, args ...string) result {
	e.t.Helper()
	res := r.runReg(e, args...)
	if res.code != 0 {
		e.t.Fatalf("podunit %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), res.code, res.out, res.err)
	}
	return res
}

// failReg runs podunit and wants exit 125 with an Error: line holding every part.
func (r registrySetup) failReg(e *env, args []string, parts ...string) {
	e.t.Helper()
	res := r.runReg(e, args...)
	if res.code != 125 || !strings.Contains(res.err, "Error: ") {
		e.t.Fatalf("podunit %s: exit %d, want 125 with an Error: line\nstderr: %s", strings.Join(args, " "), res.code, res.err)
	}
	for _, p := range parts {
		if !strings.Contains(res.err, p) {
			e.t.Errorf("podunit %s: stderr lacks %q:\n%s", strings.Join(args, " "), p, res.err)
		}
	}
}

// TestPullOnHostWithRunc pulls, pushes and saves through an in-process
// registry on 127.0.0.1, and runs a pulled image.
func TestPullOnHostWithRunc(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	r := newRegistrySetup(t, e.dir)
	ref := r.host + "/podunit/bb:1"
	want := testimage.PushImage(t, ref, testimage.Config{Cmd: []string{"echo", "from the registry"}})

	t.Run("full name", func(t *testing.T) {
		e := e.on(t)
		res := r.mustReg(e, "pull", "--signature-policy", r.accept, ref)
		if res.out != want+"\n" {
			t.Errorf("pull printed %q, want the ID %s", res.out, want)
		}
		for _, line := range []string{"Trying to pull " + ref, "Copying blob", "Writing manifest"} {
			if !strings.Contains(res.err, line) {
				t.Errorf("progress lacks %q:\n%s", line, res.err)
			}
		}
		if out := e.must("run", "--rm", ref); out != "from the registry\n" {
			t.Errorf("running the pulled image printed %q", out)
		}
	})
	t.Run("short name, quiet", func(t *testing.T) {
		e := e.on(t)
		other := testimage.PushImage(t, r.host+"/podunit/short:2", testimage.Config{Labels: map[string]string{"n": "2"}})
		res := r.mustReg(e, "pull", "-q", "--signature-policy", r.accept, "podunit/short:2")
		if res.out != other+"\n" || res.err != "" {
			t.Errorf("pull -q: stdout %q, stderr %q; want only the ID %s", res.out, res.err, other)
		}
		res = r.mustReg(e, "pull", "-q", "--policy", "never", "podunit/short:2")
		if res.out != other+"\n" {
			t.Errorf("pull --policy never with a local image printed %q", res.out)
		}
	})
	t.Run("errors", func(t *testing.T) {
		e := e.on(t)
		r.failReg(e, []string{"pull", "--policy", "never", "podunit/other"}, "podunit/other", "not found")
		r.failReg(e, []string{"pull", "--signature-policy", r.accept, r.host + "/podunit/nothere"},
			r.host+"/podunit/nothere", "name unknown")
		closed := closedAddr(t)
		r.failReg(e, []string{"pull", "--tls-verify=false", "--signature-policy", r.accept, closed + "/podunit/bb:1"},
			closed+"/podunit/bb:1", "connection refused")
		r.failReg(e, []string{"pull", "--signature-policy", r.reject, ref}, ref, "rejected by policy")
		r.failReg(e, []string{"pull", "--policy", "sometimes", ref}, "sometimes")
		r.failReg(e, []string{"pull", "--creds", "nopassword", ref}, "--creds")
	})
	t.Run("push and pull back", func(t *testing.T) {
		e := e.on(t)
		e.image()
		id := strings.TrimSpace(e.must("image", "inspect", "--format", "{{.ID}}", "bb"))
		dest := r.host + "/podunit/pushed:1"
		r.mustReg(e, "push", "-q", "--signature-policy", r.accept, "bb", dest)
		e.must("rmi", "bb")
		res := r.mustReg(e, "pull", "-q", "--signature-policy", r.accept, dest)
		if res.out != id+"\n" {
			t.Errorf("pulled back %q, want %s", res.out, id)
		}
		r.failReg(e, []string{"push", "--signature-policy", r.accept, "nothere", dest}, "nothere", "not found")
	})
	t.Run("save and load", func(t *testing.T) { checkSave(t, e) })
	t.Run("progress on terminals", func(t *testing.T) { checkPullProgress(t, e, r, ref) })
	t.Run("from every transport", func(t *testing.T) { checkPullTransports(t, e, r) })
}

func checkSave(t *testing.T, e *env) {
	e = e.on(t)
	e.image()
	for _, format := range []string{"docker-archive", "oci-archive"} {
		archive := filepath.Join(e.dir, format+".tar")
		e.must("save", "-o", archive, "--format", format, "bb")
		e.must("rmi", "-f", "bb")
		if out := e.must("load", "-q", "-i", archive); out != "Loaded image: localhost/bb:latest\n" {
			t.Errorf("%s: load printed %q", format, out)
		}
	}
	// To stdout, which is not a terminal here.
	out := e.must("save", "bb")
	archive := filepath.Join(e.dir, "stdout.tar")
	if err := os.WriteFile(archive, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	e.must("rmi", "-f", "bb")
	e.must("load", "-q", "-i", archive)
	r := e.run("save", "--format", "oci-archive", "-o", archive, "bb", "bb")
	if r.code != 125 || !strings.Contains(r.err, "Error: ") {
		t.Errorf("oci-archive of two images: exit %d, stderr %q", r.code, r.err)
	}
}

// closedAddr is a 127.0.0.1 address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
