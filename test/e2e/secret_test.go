package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// secretValue is what the tests store; no output but the container's own
// and --showsecret may hold it.
const secretValue = "s3cr3t-V4lue-7f1c"

// TestSecretsOnHostWithRunc: the secret verbs, and secrets given to an
// attached container (values from the store) as a file and a variable.
func TestSecretsOnHostWithRunc(t *testing.T) {
	e := newEnv(t, nil, "runc")
	e.image()
	t.Run("verbs", func(t *testing.T) { checkSecretVerbs(t, e) })
	t.Run("attached run", func(t *testing.T) { checkSecretAttached(t, e) })
	t.Run("bad input", func(t *testing.T) { checkSecretBadInput(t, e) })
}

func checkSecretVerbs(t *testing.T, e *env) {
	e = e.on(t)
	file := filepath.Join(e.dir, "pw")
	if err := os.WriteFile(file, []byte(secretValue), 0o600); err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(e.must("secret", "create", "--label", "app=web", "vfile", file))
	if len(id) != 25 {
		t.Errorf("secret create printed %q, want a 25-digit ID", id)
	}
	if r := e.runIn(strings.NewReader(secretValue), "secret", "create", "vstdin", "-"); r.code != 0 {
		t.Fatalf("create from stdin: %+v", r)
	}
	data := filepath.Join(e.dir, "root", "podunit", "secrets", "vfile", "data")
	if st, err := os.Stat(data); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("the value's file %s: %v (mode 0600 wanted)", data, err)
	}
	ls := e.must("secret", "ls")
	if !strings.HasPrefix(ls, "ID ") || !strings.Contains(ls, id+"  vfile  ") || !strings.Contains(ls, "vstdin") {
		t.Errorf("secret ls:\n%s", ls)
	}
	for _, args := range [][]string{{"secret", "ls", "--format", "json"}, {"secret", "inspect", "vfile", "vstdin"}, {"secret", "inspect", id[:8]}} {
		if out := e.must(args...); strings.Contains(out, secretValue) || !strings.Contains(out, "vfile") && args[1] != "inspect" {
			t.Errorf("%s printed the value or missed the secret:\n%s", strings.Join(args, " "), out)
		}
	}
	var rows []struct {
		ID   string
		Spec struct {
			Name   string
			Driver struct{ Name string }
			Labels map[string]string
		}
		SecretData string
	}
	if err := json.Unmarshal([]byte(e.must("secret", "inspect", "--showsecret", "vfile")), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("inspect --showsecret: %v", err)
	}
	if r := rows[0]; r.ID != id || r.Spec.Name != "vfile" || r.Spec.Driver.Name != "file" || r.Spec.Labels["app"] != "web" || r.SecretData != secretValue {
		t.Errorf("inspect --showsecret: %+v", r)
	}
	if r := e.run("secret", "exists", "vstdin"); r.code != 0 {
		t.Errorf("exists of a secret: %d", r.code)
	}
	e.must("secret", "rm", "vstdin")
	if r := e.run("secret", "exists", "vstdin"); r.code != 1 {
		t.Errorf("exists after rm: %d, want 1", r.code)
	}
}

func checkSecretAttached(t *testing.T, e *env) {
	e = e.on(t)
	t.Setenv("PW_FOR_SECRET", "from-env-"+secretValue)
	e.must("secret", "create", "--env", "envsrc", "PW_FOR_SECRET")
	script := `cat /run/secrets/vfile; echo; echo "DB=$DB"; cat /etc/app/key; echo; stat -c '%u:%g:%a' /etc/app/key /run/secrets/vfile; ` +
		`(echo x > /run/secrets/vfile) 2>/dev/null && echo writable; true`
	out := e.must("run", "--rm", "--secret", "vfile", "--secret", "vfile,type=env,target=DB",
		"--secret", "envsrc,target=/etc/app/key,uid=1000,gid=100,mode=0440", "bb", "sh", "-c", script)
	want := secretValue + "\nDB=" + secretValue + "\nfrom-env-" + secretValue + "\n1000:100:440\n0:0:444\n"
	if out != want {
		t.Errorf("the container saw:\n%s\nwant:\n%s", out, want)
	}
	e.must("create", "--name", "withsec", "--secret", "vfile,type=env,target=DB", "bb", "true")
	insp := e.must("inspect", "withsec")
	if strings.Contains(insp, secretValue) || !strings.Contains(insp, `"Secrets": [`) || !strings.Contains(insp, `"Name": "vfile"`) {
		t.Errorf("inspect shows the value or not the secret:\n%s", insp)
	}
	e.must("rm", "withsec")
}

// checkSecretBadInput: each refusal names the problem, exits 125 and
// leaves nothing behind.
func checkSecretBadInput(t *testing.T, e *env) {
	e = e.on(t)
	before := e.must("ps", "-a", "-q")
	secrets := e.must("secret", "ls", "-q")
	empty := filepath.Join(e.dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		msg  string
	}{
		{[]string{"secret", "create", "bad/name", empty}, "secret name"},
		{[]string{"secret", "create", "emptyval", empty}, "0 bytes"},
		{[]string{"secret", "create", "vfile", empty}, "0 bytes"},
		{[]string{"secret", "create", "--driver", "pass", "x", "-"}, "driver"},
		{[]string{"secret", "create", "vfile", filepath.Join(e.dir, "pw")}, "in use"},
		{[]string{"run", "--rm", "--secret", "nosuch", "bb", "true"}, "nosuch"},
		{[]string{"create", "--secret", "vfile,type=bogus", "bb", "true"}, "type=bogus"},
		{[]string{"create", "--secret", "vfile,type=env,mode=0400", "bb", "true"}, "type=mount only"},
		{[]string{"create", "--secret", "vfile", "--secret", "vfile", "bb", "true"}, "two secrets"},
	}
	for _, c := range cases {
		r := e.runIn(strings.NewReader("v"), c.args...)
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, c.msg) {
			t.Errorf("%s: exit %d, stderr %q; want 125 and %q", strings.Join(c.args, " "), r.code, r.err, c.msg)
		}
	}
	if after := e.must("ps", "-a", "-q"); after != before {
		t.Errorf("refused creates left containers: %q", after)
	}
	if after := e.must("secret", "ls", "-q"); after != secrets {
		t.Errorf("refused secret creates changed the store: %q, was %q", after, secrets)
	}
	if got := e.must("secret", "inspect", "--showsecret", "--format", "{{.SecretData}}", "vfile"); got != secretValue+"\n" {
		t.Errorf("a refused create changed vfile's value to %q", got)
	}
}
