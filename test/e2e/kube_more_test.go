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

// kubeHostNS is a Pod in the host's PID and IPC namespaces (and its own
// network and UTS namespaces, as the pod shares them).
const kubeHostNS = `apiVersion: v1
kind: Pod
metadata: {name: hns}
spec:
  hostPID: true
  hostIPC: true
  containers:
  - {name: a, image: bb, command: [sh, -c, 'echo "ns=$(readlink /proc/self/ns/pid) $(readlink /proc/self/ns/ipc) $(readlink /proc/self/ns/uts) one=$(cat /proc/1/comm)"; exec sleep 600']}
`

// checkKubeHostNS: hostPID and hostIPC run the members in the host's (the
// sandbox systemd's) PID and IPC namespaces, and no longer share a pinned
// IPC namespace; the pod's UTS namespace stays its own.
func checkKubeHostNS(t *testing.T, e *env) {
	e = e.on(t)
	file := writeKube(t, e, "hns.yaml", kubeHostNS)
	t.Cleanup(func() { e.run("pod", "rm", "-f", "-t", "0", "hns") })
	e.must("kube", "play", file)
	host := strings.Fields(e.sh("readlink /proc/1/ns/pid /proc/1/ns/ipc /proc/1/ns/uts"))
	want := "ns=" + host[0] + " " + host[1] + " "
	var line string
	eventually(t, 20*time.Second, "hns-a to print its namespaces", func() bool {
		for _, l := range strings.Split(e.run("logs", "hns-a").out, "\n") {
			if strings.HasPrefix(l, "ns=") {
				line = l
			}
		}
		return line != ""
	})
	if !strings.HasPrefix(line, want) || strings.Contains(line, host[2]) || !strings.HasSuffix(line, " one=systemd") {
		t.Errorf("hns-a: %q, want the host's pid and ipc (%s), its pod's uts (not %s), systemd as PID 1", line, want, host[2])
	}
	if got := e.must("pod", "inspect", "--format", "{{.SharedNamespaces}} {{.InfraConfig.pid_ns}} {{.InfraConfig.ipc_ns}}", "hns"); got != "[net uts] host host\n" {
		t.Errorf("pod inspect: %q", got)
	}
	e.must("kube", "down", file)
}
