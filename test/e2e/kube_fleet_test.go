package e2e

import (
	"sort"
	"strings"
	"testing"
	"time"
)

// kubeFleet is a Deployment of two replicas whose members carry probes and
// limits, a DaemonSet and two Jobs. live's liveness probe fails once (its
// first run leaves a mark in the container's rootfs, which a restart
// keeps); web's httpGet probe reads its own httpd; the DaemonSet's ready
// has a startup probe that holds its readiness probe back until the test
// lets it pass. Job once fails its first run (OnFailure runs it again; the
// second sleeps before it ends 0: one that ends before its unit is ready
// fails the start, and on-failure then runs it yet again), job never fails
// for good. The long-running members end on SIGTERM: a PID 1 without a
// handler ignores it, and kube down would wait out each one's stop timeout
// (terminationGracePeriodSeconds: 0 is --stop-timeout 0, which podunit
// takes as the default 10 s).
const kubeFleet = `apiVersion: apps/v1
kind: Deployment
metadata: {name: rep}
spec:
  replicas: 2
  selector: {matchLabels: {app: rep}}
  template:
    metadata: {labels: {app: rep}}
    spec:
      containers:
      - name: live
        image: bb
        command: [sh, -c, 'trap "exit 0" TERM; sleep 600 & wait']
        resources: {limits: {memory: 48Mi, cpu: 250m}}
        livenessProbe: {exec: {command: [sh, -c, 'test -e /seen || { touch /seen; exit 1; }']}, periodSeconds: 1, failureThreshold: 1}
      - name: web
        image: bb
        command: [sh, -c, 'echo ok > /tmp/healthz; trap "exit 0" TERM; httpd -f -p 127.0.0.1:8081 -h /tmp & wait']
        resources: {limits: {memory: 32Mi, cpu: 250m}}
        livenessProbe: {httpGet: {path: /healthz, port: 8081}, periodSeconds: 1}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds}
spec:
  selector: {matchLabels: {app: ds}}
  template:
    metadata: {labels: {app: ds}}
    spec:
      containers:
      - name: ready
        image: bb
        command: [sh, -c, 'trap "exit 0" TERM; sleep 600 & wait']
        startupProbe: {exec: {command: [test, -e, /started]}, periodSeconds: 1, failureThreshold: 1000}
        readinessProbe: {exec: {command: [test, -e, /ready]}, periodSeconds: 1, failureThreshold: 1}
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    spec:
      restartPolicy: OnFailure
      containers: [{name: a, image: bb, command: [sh, -c, 'echo run; test -e /again || { touch /again; exit 2; }; sleep 2; echo job-done']}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: never}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: a, image: bb, command: [sh, -c, 'echo run; exit 3']}]
`

// checkKubeFleet plays kubeFleet under systemd: the pods Podman 3 names,
// probes with their effect on each member's unit alone, limits on the
// member units and the pod slice, Jobs that run to completion.
func checkKubeFleet(t *testing.T, e *env) {
	e = e.on(t)
	e.sb.DumpOnFailure(t, "podunit-rep-pod-0-live.service", "podunit-ds-pod-ready.service", "podunit-once-pod-a.service")
	file := writeKube(t, e, "fleet.yaml", kubeFleet)
	t.Cleanup(func() { e.run("kube", "down", file) })
	e.must("kube", "play", file)
	unit := func(ctr, prop string) string { return unitProp(t, e, "podunit-"+ctr+".service", prop) }
	pods := strings.Fields(e.must("pod", "ps", "--format", "{{.Name}}:{{.NumberOfContainers}}"))
	sort.Strings(pods)
	if got := strings.Join(pods, " "); got != "ds-pod:1 never-pod:1 once-pod:1 rep-pod-0:2 rep-pod-1:2" {
		t.Errorf("pods: %q, want rep-pod-0 and -1 (replicas: 2), ds-pod, once-pod, never-pod", got)
	}
	checkKubeProbes(t, e, unit)
	eventually(t, 60*time.Second, "Job once to end 0 (after a restart), Job never 3", func() bool {
		return e.field("once-pod-a", "{{.State.Status}} {{.State.ExitCode}}") == "exited 0" &&
			e.field("never-pod-a", "{{.State.Status}} {{.State.ExitCode}}") == "exited 3"
	})
	checkKubeJobs(t, e)
	checkKubeLimits(t, e, unit)
	e.must("kube", "down", file)
	if got := e.must("pod", "ps", "-q"); got != "" {
		t.Errorf("pods after kube down: %q", got)
	}
}

// checkKubeJobs: OnFailure ran once's failed run again and it then ended
// 0; never's failure stays, not run again. (Their units are gone once
// inactive, with their NRestarts: each run prints a line.)
func checkKubeJobs(t *testing.T, e *env) {
	t.Helper()
	if out := e.run("logs", "once-pod-a").out; out != "run\nrun\njob-done\n" {
		t.Errorf("Job once (OnFailure): logs %q, want a failed run, then one that ended 0", out)
	}
	if out := e.run("logs", "never-pod-a").out; out != "run\n" {
		t.Errorf("Job never (Never): logs %q, want one run", out)
	}
}

// checkKubeProbes: live's failed liveness probe restarted live's unit
// alone; web's httpGet probe passes; ready stays starting while its startup
// probe fails, then its readiness probe marks it unhealthy without a
// restart, then healthy.
func checkKubeProbes(t *testing.T, e *env, unit func(ctr, prop string) string) {
	t.Helper()
	webPid := e.field("rep-pod-0-web", "{{.State.Pid}}")
	eventually(t, 60*time.Second, "live restarted once by its liveness probe, then healthy", func() bool {
		return unit("rep-pod-0-live", "NRestarts") == "1" && e.field("rep-pod-0-live", "{{.State.Health.Status}}") == "healthy"
	})
	eventually(t, 30*time.Second, "web's httpGet probe to pass", func() bool {
		return e.field("rep-pod-0-web", "{{.State.Health.Status}}") == "healthy"
	})
	if got := e.field("rep-pod-0-web", "{{.State.Pid}}"); got != webPid {
		t.Errorf("web's pid went from %s to %s when live was restarted", webPid, got)
	}
	pid := e.field("ds-pod-ready", "{{.State.Pid}}")
	if got := e.field("ds-pod-ready", "{{.State.Health.Status}}"); got != "starting" {
		t.Errorf("ready with its startup probe failing: %q, want starting", got)
	}
	e.must("exec", "ds-pod-ready", "touch", "/started")
	eventually(t, 30*time.Second, "ready's readiness probe to mark it unhealthy", func() bool {
		return e.field("ds-pod-ready", "{{.State.Health.Status}}") == "unhealthy"
	})
	e.must("exec", "ds-pod-ready", "touch", "/ready")
	eventually(t, 30*time.Second, "ready's readiness probe to pass", func() bool {
		return e.field("ds-pod-ready", "{{.State.Health.Status}}") == "healthy"
	})
	if got := e.field("ds-pod-ready", "{{.State.Pid}}"); got != pid {
		t.Errorf("ready's pid went from %s to %s: a readiness probe must not restart it", pid, got)
	}
	for _, ctr := range []string{"rep-pod-0-web", "ds-pod-ready"} {
		if got := unit(ctr, "NRestarts"); got != "0" {
			t.Errorf("%s's unit restarted %s times", ctr, got)
		}
	}
}

// checkKubeLimits: each member's limits are its unit's, their sums the
// pod slice's.
func checkKubeLimits(t *testing.T, e *env, unit func(ctr, prop string) string) {
	t.Helper()
	want := map[string]string{"rep-pod-0-live": "50331648 250ms", "rep-pod-0-web": "33554432 250ms"}
	for ctr, w := range want {
		if got := unit(ctr, "MemoryMax") + " " + unit(ctr, "CPUQuotaPerSecUSec"); got != w {
			t.Errorf("%s's unit: MemoryMax CPUQuotaPerSecUSec %q, want %q", ctr, got, w)
		}
	}
	slice := unit("rep-pod-0-live", "Slice")
	if got := unitProp(t, e, slice, "MemoryMax") + " " + unitProp(t, e, slice, "CPUQuotaPerSecUSec"); got != "83886080 500ms" {
		t.Errorf("the pod slice %s: MemoryMax CPUQuotaPerSecUSec %q, want 83886080 500ms (the members' sums)", slice, got)
	}
}

// unitProp is one property of a unit in e's sandbox.
func unitProp(t *testing.T, e *env, unit, prop string) string {
	t.Helper()
	return strings.TrimSpace(e.sb.Run(t, "systemctl", "show", "-P", prop, unit))
}
