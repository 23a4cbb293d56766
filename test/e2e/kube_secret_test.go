package e2e

import (
	"strings"
	"testing"
)

// TestKubeSecrets: a Secret played alone is kept as a podunit secret that
// later YAML names; playing it again needs --replace; kube down removes it.
// On the host: nothing here starts.
func TestKubeSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	sec := writeKube(t, e, "sec.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: dbpw}\nstringData: {PW: hunter2}\n")
	pod := writeKube(t, e, "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: sp}\nspec:\n  containers:\n"+
		"  - {name: a, image: bb, command: [sleep, \"1\"], env: [{name: PW, valueFrom: {secretKeyRef: {name: dbpw, key: PW}}}]}\n")
	if r := e.run("kube", "play", "--start=false", pod); r.code != 125 || !strings.Contains(r.err, `spec.containers[0].env[0].valueFrom.secretKeyRef.name: no Secret "dbpw"`) {
		t.Fatalf("a pod naming a Secret nobody stored: exit %d, %q", r.code, r.err)
	}
	e.must("kube", "play", "--start=false", sec)
	if got := e.must("secret", "ls", "--format", "{{.Name}}"); got != "dbpw\n" {
		t.Fatalf("secrets after playing a Secret: %q", got)
	}
	e.must("kube", "play", "--start=false", pod)
	if env := e.field("sp-a", "{{.Config.Env}}"); !strings.Contains(env, "PW=hunter2") {
		t.Errorf("env from the stored Secret: %s", env)
	}
	if r := e.run("kube", "play", "--start=false", sec); r.code != 125 || !strings.Contains(r.err, `secret "dbpw" exists`) {
		t.Errorf("the Secret played again: exit %d, %q", r.code, r.err)
	}
	e.must("kube", "play", "--replace", "--start=false", sec)
	e.must("kube", "down", sec)
	if got := e.must("secret", "ls", "--format", "{{.Name}}"); got != "" {
		t.Errorf("secrets after kube down: %q", got)
	}
	e.must("kube", "down", pod)

	// what fails only when made (bb has no command) takes back what the play made
	late := writeKube(t, e, "late.yaml", "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: lc}\nspec: {}\n---\n"+
		"apiVersion: v1\nkind: Secret\nmetadata: {name: ls}\nstringData: {k: v}\n---\n"+
		"apiVersion: v1\nkind: Pod\nmetadata: {name: lp}\nspec:\n  containers:\n  - {name: a, image: bb, volumeMounts: [{name: d, mountPath: /d}]}\n"+
		"  volumes: [{name: d, persistentVolumeClaim: {claimName: lc}}]\n")
	before := snapshot(e) + e.must("pod", "ps", "-q") + e.must("volume", "ls", "-q") + e.must("secret", "ls", "-q")
	if r := e.run("kube", "play", "--start=false", late); r.code != 125 || !strings.Contains(r.err, "no command") {
		t.Errorf("a container without a command: exit %d, %q", r.code, r.err)
	}
	if after := snapshot(e) + e.must("pod", "ps", "-q") + e.must("volume", "ls", "-q") + e.must("secret", "ls", "-q"); after != before {
		t.Errorf("a failed play left something:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}
