package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/podunit/podunit/generator/unitfile"
	"github.com/podunit/podunit/test/testimage"
)

// TestRunPullPolicyAndRetry runs images of an in-process registry on
// 127.0.0.1 with runc on the host: --pull never, missing, newer and always
// against a tag pushed again and again; --retry counting through a proxy
// that resets the first connections; --decryption-key reaching run's pull;
// and generate systemd --new writing --pull, --retry, --retry-delay and
// --decryption-key back into a run line that works.
func TestRunPullPolicyAndRetry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	r := newRegistrySetup(t, e.dir)
	ref := r.host + "/podunit/pp:1"
	push := func(word string) {
		testimage.PushImage(t, ref, testimage.Config{Cmd: []string{"echo", word}, Files: map[string]string{"/word": word + "\n"}})
	}
	runs := func(want string, flags ...string) {
		t.Helper()
		if out := r.mustReg(e, append(append([]string{"run", "--rm"}, flags...), ref)...).out; out != want+"\n" {
			t.Errorf("run %q printed %q, want %q", flags, out, want)
		}
	}
	push("one")
	r.failReg(e, []string{"run", "--rm", "--pull", "never", ref}, ref)
	r.failReg(e, []string{"create", "--pull", "never", ref}, ref)
	r.failReg(e, []string{"run", "--rm", "--pull", "sometimes", ref}, "--pull", "sometimes")
	// run's pull takes --decryption-key as pull's does: it reads the key first
	r.failReg(e, []string{"run", "--rm", "--pull", "always", "--decryption-key", filepath.Join(e.dir, "none.pem"), ref}, "--decryption-key")
	if out := e.must("ps", "-a", "-q"); out != "" {
		t.Errorf("refused runs left containers: %q", out)
	}
	runs("one") // missing: pulled
	push("two")
	runs("one")
	runs("one", "--pull", "never")
	runs("two", "--pull", "newer")
	push("three")
	runs("three", "--pull", "always")
	t.Run("--retry", func(t *testing.T) { checkRunRetry(t, e.on(t), r) })
	t.Run("generate --new", func(t *testing.T) {
		e := e.on(t)
		key := rsaKeyFile(t, e.dir) // a key the (plain) image's pull does not need
		e.must("create", "--name", "gen", "--pull", "always", "--retry", "4", "--retry-delay", "20ms", "--decryption-key", key, ref, "cat", "/word")
		argv := newRunArgv(t, e.must("generate", "systemd", "--new", "gen"))
		if want := "--pull always --retry 4 --retry-delay 20ms --decryption-key " + key; !strings.Contains(strings.Join(argv, " "), want) {
			t.Fatalf("the run line lacks %s: %q", want, argv)
		}
		argv[slices.Index(argv, "--name")+1] = "gen2"
		push("four")
		if out := r.mustReg(e, append([]string{"run"}, argv...)...).out; out != "four\n" {
			t.Errorf("the regenerated run printed %q, want four (pulled again)", out)
		}
	})
}

// rsaKeyFile writes a new RSA private key (PEM) for --decryption-key.
func rsaKeyFile(t *testing.T, dir string) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "dec.pem")
	pemData := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	if err := os.WriteFile(path, pemData, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// newRunArgv is the run line of a generated unit: what follows --rm in
// ExecStart=.
func newRunArgv(t *testing.T, text string) []string {
	t.Helper()
	unit, err := unitfile.Parse("gen.service", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	exec, _ := unit.Section("Service").Lookup("ExecStart")
	argv, _, err := unitfile.SplitWordsRelaxed(exec.Value)
	i := slices.Index(argv, "--rm")
	if err != nil || i < 0 {
		t.Fatalf("ExecStart=%s: %v", exec.Value, err)
	}
	return argv[i+1:]
}

// checkRunRetry pulls through resetProxy: with every connection reset,
// run tries --retry times more and fails; when only the first few are
// reset, run gets through on a later try.
func checkRunRetry(t *testing.T, e *env, r registrySetup) {
	always := resetProxy(t, r.host, 1<<30)
	first := resetProxy(t, r.host, 3)
	rp := r
	rp.conf = filepath.Join(e.dir, "proxy-registries.conf")
	conf := "[[registry]]\nlocation = \"" + always.addr + "\"\ninsecure = true\n\n[[registry]]\nlocation = \"" + first.addr + "\"\ninsecure = true\n"
	if err := os.WriteFile(rp.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"0", "2"} {
		res := rp.runReg(e, "run", "--rm", "--retry", n, "--retry-delay", "10ms", always.addr+"/podunit/pp:1")
		if got := strings.Count(res.err, "retrying in 10ms"); res.code != 125 || strconv.Itoa(got) != n {
			t.Errorf("run --retry %s through a resetting proxy: exit %d after %d retries, want 125 after %s:\n%s", n, res.code, got, n, res.err)
		}
	}
	res := rp.runReg(e, "run", "--rm", "--retry", "5", "--retry-delay", "10ms", first.addr+"/podunit/pp:1")
	if got := strings.Count(res.err, "retrying in 10ms"); res.code != 0 || got < 1 || got > 3 || first.reset.Load() != 3 {
		t.Errorf("run --retry 5 with 3 connections reset: exit %d after %d retries (%d resets), want 0 after 1 to 3:\n%s",
			res.code, got, first.reset.Load(), res.err)
	}
}

// proxy is a TCP proxy on 127.0.0.1 that resets its first connections.
type proxy struct {
	addr  string
	reset atomic.Int64
}

// resetProxy forwards connections to target after resetting (RST) the
// first n of them.
func resetProxy(t *testing.T, target string, n int64) *proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{addr: l.Addr().String()}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			if p.reset.Load() < n {
				p.reset.Add(1)
				_ = c.(*net.TCPConn).SetLinger(0)
				c.Close()
				continue
			}
			wg.Add(1)
			go func() { defer wg.Done(); testimage.Forward(c, target) }()
		}
	}()
	return p
}
