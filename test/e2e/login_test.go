package e2e

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podunit/podunit/test/testimage"
)

// TestLoginLogout logs in to an in-process registry on 127.0.0.1 that
// wants basic auth, pulls with the stored credentials, and logs out.
func TestLoginLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	host := testimage.StartAuthRegistry(t, "alice", "s3cret")
	ref := host + "/podunit/private:1"
	testimage.PushImage(t, ref, testimage.Config{}, "alice", "s3cret")
	auth := filepath.Join(e.dir, "auth.json")
	policy := filepath.Join(e.dir, "policy.json")
	if err := os.WriteFile(policy, []byte(`{"default":[{"type":"insecureAcceptAnything"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	pull := func() result {
		return e.run("pull", "-q", "--tls-verify=false", "--authfile", auth, "--signature-policy", policy, ref)
	}
	if r := pull(); r.code != 125 {
		t.Fatalf("pull before login: exit %d", r.code)
	}
	login := []string{"login", "--tls-verify=false", "--authfile", auth, "-u", "alice", "--password-stdin", host}
	if r := e.runIn(strings.NewReader("wrong\n"), login...); r.code != 125 || !strings.Contains(r.err, "invalid username/password") {
		t.Fatalf("login with a wrong password: exit %d, stderr %q", r.code, r.err)
	}
	if _, err := os.Stat(auth); err == nil {
		t.Fatal("a failed login wrote the auth file")
	}
	if r := e.runIn(strings.NewReader("s3cret\n"), login...); r.code != 0 || r.out != "Login Succeeded!\n" {
		t.Fatalf("login: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
	if got := storedAuth(t, auth, host); got != base64.StdEncoding.EncodeToString([]byte("alice:s3cret")) {
		t.Fatalf("auth.json entry for %s: %q", host, got)
	}
	if got := e.must("login", "--authfile", auth, "--get-login", host); got != "alice\n" {
		t.Errorf("login --get-login: %q", got)
	}
	if r := pull(); r.code != 0 {
		t.Fatalf("pull after login: exit %d, stderr %s", r.code, r.err)
	}
	if got := e.must("logout", "--authfile", auth, host); got != "Removed login credentials for "+host+"\n" {
		t.Errorf("logout printed %q", got)
	}
	if got := storedAuth(t, auth, host); got != "" {
		t.Errorf("auth.json still has %s after logout", host)
	}
	e.must("rmi", ref)
	if r := pull(); r.code != 125 {
		t.Errorf("pull after logout: exit %d", r.code)
	}
	if r := e.run("logout", "--authfile", auth, host); r.code != 125 || !strings.Contains(r.err, "not logged into "+host) {
		t.Errorf("second logout: exit %d, stderr %q", r.code, r.err)
	}
	e.runIn(strings.NewReader("s3cret\n"), login...)
	if got := e.must("logout", "--authfile", auth, "--all"); got != "Removed login credentials for all registries\n" {
		t.Errorf("logout --all printed %q", got)
	}
	if got := storedAuth(t, auth, host); got != "" {
		t.Errorf("auth.json still has %s after logout --all", host)
	}
}

// storedAuth is auth.json's auths[host].auth ("" when absent).
func storedAuth(t *testing.T, path, host string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	var f struct {
		Auths map[string]struct{ Auth string } `json:"auths"`
	}
	if err != nil || json.Unmarshal(b, &f) != nil {
		t.Fatalf("reading %s: %v\n%s", path, err, b)
	}
	return f.Auths[host].Auth
}
