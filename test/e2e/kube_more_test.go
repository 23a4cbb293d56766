package e2e

import (
	"strings"
	"testing"
	"time"
)

// kubeJob is a Pod of containers that end: with
// --service-exit-code-propagation play waits for them and exits as they did.
const kubeJob = `apiVersion: v1
kind: Pod
metadata: {name: job, annotations: {team: red}}
spec:
  restartPolicy: Never
  containers:
  - {name: fail, image: bb, command: [sh, -c, 'sleep 1; exit 3']}
  - {name: ok, image: bb, command: [sh, -c, 'sleep 2']}
  volumes: [{name: d, persistentVolumeClaim: {claimName: job-data}}]
`

// checkKubeMore: exit code propagation, --annotation over the YAML's, the
// auto-update annotation as the label, kube down --force.
func checkKubeMore(t *testing.T, e *env) {
	e = e.on(t)
	file := writeKube(t, e, "job.yaml", kubeJob)
	t.Cleanup(func() { e.run("pod", "rm", "-f", "-t", "0", "job") })
	begin := time.Now()
	r := e.run("kube", "play", "--service-exit-code-propagation", "any", "--annotation", "team=blue",
		"--annotation", "io.containers.autoupdate/ok=local", file)
	if r.code != 3 || !strings.Contains(r.err, "job-fail exited with code 3") || time.Since(begin) < 2*time.Second {
		t.Errorf("play --service-exit-code-propagation any: exit %d after %s, stderr %q; want 3 once both ended",
			r.code, time.Since(begin), r.err)
	}
	if got := e.field("job-ok", "{{.Config.Annotations.team}} {{index .Config.Labels \"io.containers.autoupdate\"}} {{.State.Status}}"); got != "blue local exited" {
		t.Errorf("job-ok: %q, want the flag's annotation, the auto-update label, exited", got)
	}
	if got := e.field("job-fail", "{{.Config.Labels}}"); strings.Contains(got, "autoupdate") {
		t.Errorf("job-fail has the auto-update label of job-ok: %q", got)
	}
	if r := e.run("kube", "play", "--replace", "--service-exit-code-propagation", "all", file); r.code != 0 {
		t.Errorf("play --service-exit-code-propagation all (one of two failed): exit %d, %s", r.code, r.err)
	}
	e.must("kube", "down", "--force", file)
	if got := e.must("volume", "ls", "--format", "{{.Name}}"); strings.Contains(got, "job-data") {
		t.Errorf("kube down --force left the claim's volume: %q", got)
	}
}
