package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// kubeJobFiles are a second .kube source of TestBootKube, with the [Kube]
// keys the first lacks: its pod holds a claim and one container that waits
// for the test, then exits 3.
var kubeJobFiles = map[string]string{
	"job.kube": "[Unit]\nRequires=kbnet-network.service\nAfter=kbnet-network.service\n\n" +
		"[Kube]\nYaml=job.yaml\nExitCodePropagation=any\nKubeDownForce=true\nSetWorkingDirectory=yaml\nLogDriver=passthrough\n" +
		"PodmanArgs=--annotation=team=green\nGlobalArgs=--runtime=runc\nContainersConfModule=/etc/podunit/systemd/kbmod.conf\n" +
		"AutoUpdate=a/local\n\n[Install]\nWantedBy=multi-user.target\n",
	// the module names the .network's network as the default: the pod,
	// with no network of its own, joins it
	"kbmod.conf": "[network]\ndefault_network = \"systemd-kbnet\"\n",
	"job.yaml": `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: kjdata}
spec: {}
---
apiVersion: v1
kind: Pod
metadata: {name: kj}
spec:
  restartPolicy: Never
  containers:
  - name: a
    image: bb
    command: [sh, -c, 'ip -4 -o addr; echo kj-up; until test -e /d/go; do sleep 0.2; done; exit 3']
    volumeMounts: [{name: d, mountPath: /d}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: kjdata}}]
`,
}

// checkKubeJobKeys reads the effects of job.kube's keys while its pod runs
// (SetWorkingDirectory=, LogDriver=, PodmanArgs=, GlobalArgs=,
// ContainersConfModule=, AutoUpdate=), then lets its container exit 3:
// ExitCodePropagation=any fails the unit with that code and
// KubeDownForce=true removes the claim's volume with the pod.
func checkKubeJobKeys(t *testing.T, sb *harness.Sandbox, e *defaultEnv) {
	t.Helper()
	sb.DumpOnFailure(t, "job.service", "podunit-kj-a.service")
	eventually(t, 60*time.Second, "kj-a to print what it sees", func() bool { return strings.Contains(unitLog(sb, "podunit-kj-a.service"), "kj-up\n") })
	if out := unitLog(sb, "podunit-kj-a.service"); !strings.Contains(out, "inet 10.89.93.") {
		t.Errorf("ContainersConfModule= (default_network systemd-kbnet): kj-a has no address in 10.89.93.0/24\n%s", out)
	}
	got := e.field("kj-a", `{{.HostConfig.LogConfig.Type}} {{.Config.Annotations.team}} {{.OCIRuntime}} {{index .Config.Labels "io.containers.autoupdate"}}`)
	if got != "passthrough green runc local" {
		t.Errorf("kj-a: log driver, annotation team, runtime, auto-update label %q; want passthrough (LogDriver=), green (PodmanArgs=), "+
			"runc (GlobalArgs=), local (AutoUpdate=a/local)", got)
	}
	if got := strings.TrimSpace(sb.Run(t, "systemctl", "show", "-P", "WorkingDirectory", "job.service")); got != "/etc/podunit/systemd" {
		t.Errorf("SetWorkingDirectory=yaml: WorkingDirectory=%q", got)
	}
	if got := e.must("volume", "ls", "--format", "{{.Name}}"); !strings.Contains(got, "kjdata\n") {
		t.Fatalf("the claim's volume while kj runs: %q", got)
	}
	e.must("exec", "kj-a", "touch", "/d/go")
	sb.WaitActive(t, "job.service", "failed", 60*time.Second)
	show := sb.Run(t, "systemctl", "show", "-p", "Result,ExecMainStatus", "job.service")
	checkPairs(t, "ExitCodePropagation=any: systemctl show job.service:", show, "=", map[string]string{"Result": "exit-code", "ExecMainStatus": "3"})
	if got := e.must("volume", "ls", "--format", "{{.Name}}"); strings.Contains(got, "kjdata") {
		t.Errorf("KubeDownForce=true: the claim's volume outlived the unit: %q", got)
	}
	if e.run("pod", "exists", "kj").code != 1 {
		t.Errorf("the pod kj outlived its unit")
	}
}
