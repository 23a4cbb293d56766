package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podunit/podunit/test/harness"
)

// secretValue is what the tests store; no output but the container's own
// and --showsecret may hold it.
const secretValue = "s3cr3t-V4lue-7f1c"

// TestSecretsOnHostWithRunc: the secret verbs, and secrets given to an
// attached container (values from the store) as a file and a variable.
func TestSecretsOnHostWithRunc(t *testing.T) {
	// not parallel: t.Setenv in a subtest
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

// TestSecretsUnderSystemd boots systemd with a Quadlet file that uses a
// secret as a file and as a variable, and runs a transient unit with the
// same: both containers read the value, which systemd loaded as a
// credential; no unit file, systemctl show, journal entry, inspect or
// generate output holds it, and no process but the containers' has it in
// its environment.
func TestSecretsUnderSystemd(t *testing.T) {
	t.Parallel()
	opts, host, sources := bootEnv(t)
	replaceSources(t, sources, map[string]string{
		"vault.container": "[Container]\nImage=bb\nContainerName=vault\nSecret=dbpw\n" +
			"Secret=dbpw,type=env,target=DB_PASSWORD\nExec=sleep 600\nStopSignal=KILL\n",
	})
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "vault.service", "podunit-tr.service")
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	if r := e.env().runIn(strings.NewReader(secretValue), "secret", "create", "dbpw", "-"); r.code != 0 {
		t.Fatalf("secret create: %+v", r)
	}
	// systemd moves each unit's credentials mount from a helper's mount
	// namespace onto /run/credentials/UNIT, which reaches PID 1's namespace
	// only where /run propagates (systemd makes / shared at a real boot);
	// the sandbox's /run is a private tmpfs, so share it first.
	e.sh("mount --make-shared /run")
	sb.Run(t, "systemctl", "start", "vault.service")
	e.must("run", "-d", "--name", "tr", "--secret", "dbpw", "--secret", "dbpw,type=env,target=DB_PASSWORD", "bb", "sleep", "600")
	pids := map[string]bool{}
	for _, name := range []string{"vault", "tr"} {
		if got := e.must("exec", name, "cat", "/run/secrets/dbpw"); got != secretValue {
			t.Errorf("%s reads /run/secrets/dbpw = %q", name, got)
		}
		if env := e.must("exec", name, "sh", "-c", `tr '\0' '\n' < /proc/1/environ`); !strings.Contains(env, "DB_PASSWORD="+secretValue+"\n") {
			t.Errorf("%s's init environment lacks DB_PASSWORD:\n%s", name, env)
		}
		pids[e.field(name, "{{.State.Pid}}")] = true
	}
	places := map[string]string{
		"unit files":     e.sh("cat /run/systemd/generator/vault.service /run/systemd/transient/podunit-tr.service"),
		"systemctl show": sb.Run(t, "systemctl", "show", "vault.service", "podunit-tr.service"),
		"systemctl cat":  sb.Run(t, "systemctl", "cat", "vault.service", "podunit-tr.service"),
		"journal":        sb.Run(t, "journalctl", "-o", "json", "--no-pager"),
		"inspect":        e.must("inspect", "vault", "tr"),
		"generate":       e.must("generate", "systemd", "--new", "tr"),
	}
	load := "LoadCredential=podunit-secret.dbpw:/var/lib/containers/storage/podunit/secrets/dbpw/data\n"
	if strings.Count(places["unit files"], load) != 2 {
		t.Errorf("the units do not load the credential:\n%s", places["unit files"])
	}
	for where, text := range places {
		if strings.Contains(text, secretValue) {
			t.Errorf("the secret's value appears in the %s:\n%s", where, text)
		}
	}
	if !strings.Contains(places["generate"], "--secret dbpw,type=env,target=DB_PASSWORD") ||
		!strings.Contains(places["generate"], "LoadCredential=podunit-secret.dbpw:") {
		t.Errorf("generate systemd --new lacks the secret:\n%s", places["generate"])
	}
	// every process whose environment holds the value is a container's init
	for _, pid := range strings.Fields(e.sh("grep -l -F " + secretValue + " /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3")) {
		if !pids[pid] {
			t.Errorf("process %s (%s) has the secret in its environment", pid, e.sh("cat /proc/"+pid+"/cmdline | tr '\\0' ' '"))
		}
	}
	sb.Run(t, "systemctl", "stop", "vault.service")
	e.must("rm", "-f", "tr")
}
