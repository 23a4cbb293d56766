package kube

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func planFile(t *testing.T, file string) *Plan {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDocs()
	if err := d.Add(file, data); err != nil {
		t.Fatal(err)
	}
	p, err := MakePlan(d)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlanDeployment(t *testing.T) {
	p := planFile(t, "testdata/app.yaml")
	if len(p.Pods) != 1 {
		t.Fatalf("pods: %+v", p.Pods)
	}
	pod := p.Pods[0]
	if pod.Name != "app-pod" || !reflect.DeepEqual(pod.Publish, []string{"18080:8080"}) || pod.Labels["app"] != "app" {
		t.Errorf("pod: %+v", pod)
	}
	wantInit := []string{"--name", "app-pod-prep", "--pod", "app-pod", "--init-ctr", "always",
		"--mount", "type=volume,source=app-pod-scratch,target=/work",
		"--entrypoint", `["sh","-c","echo ready \u003e /work/flag"]`, "bb"}
	if len(pod.Inits) != 1 || !reflect.DeepEqual(pod.Inits[0].Args, wantInit) {
		t.Errorf("init argv:\n got %q\nwant %q", pod.Inits, wantInit)
	}
	wantWeb := []string{"--name", "app-pod-web", "--pod", "app-pod", "--restart", "on-failure", "--workdir", "/srv",
		"--env", "GREETING=hello", "--env", "PASSWORD=s3cret", "--env", "PLAIN=a b",
		"--cpus", "0.5", "--memory", "67108864",
		"--user", "1000:1000", "--cap-add", "NET_ADMIN", "--cap-drop", "MKNOD", "--read-only",
		"--mount", "type=volume,source=app-config,target=/etc/app,ro",
		"--mount", "type=volume,source=app-data,target=/data",
		"--mount", "type=volume,source=app-pod-scratch,target=/work,ro",
		"--entrypoint", `["httpd"]`, "bb", "-f", "-p", "8080"}
	if got := pod.Members[0].Args; !reflect.DeepEqual(got, wantWeb) {
		t.Errorf("web argv:\n got %q\nwant %q", got, wantWeb)
	}
	wantSide := []string{"--name", "app-pod-side", "--pod", "app-pod", "--restart", "on-failure", "--privileged",
		"--mount", "type=bind,source=/srv/x,target=/host", "bb", "sleep", "600"}
	if got := pod.Members[1].Args; !reflect.DeepEqual(got, wantSide) {
		t.Errorf("side argv:\n got %q\nwant %q", got, wantSide)
	}
	var vols []string
	for _, v := range p.Volumes {
		vols = append(vols, v.Kind+":"+v.Name)
	}
	if want := []string{"configMap:app-config", "persistentVolumeClaim:app-data", "emptyDir:app-pod-scratch"}; !reflect.DeepEqual(vols, want) {
		t.Errorf("volumes %q, want %q", vols, want)
	}
	if string(p.Volumes[0].Files["app.conf"]) != "mode=fast\n" || p.Volumes[0].Mode != 0o644 {
		t.Errorf("config map files: %+v", p.Volumes[0])
	}
	if len(p.HostPaths) != 1 || p.HostPaths[0].Path != "/srv/x" || p.HostPaths[0].Type != "DirectoryOrCreate" {
		t.Errorf("host paths: %+v", p.HostPaths)
	}
}

func TestReplicasNames(t *testing.T) {
	yaml := strings.Replace(deployment, "replicas: 1", "replicas: 3", 1)
	p := mustPlan(t, yaml)
	var names []string
	for _, pod := range p.Pods {
		names = append(names, pod.Name+"/"+pod.Members[0].Name)
	}
	if want := []string{"d-pod-0/d-pod-0-c", "d-pod-1/d-pod-1-c", "d-pod-2/d-pod-2-c"}; !reflect.DeepEqual(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
	pod := mustPlan(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: solo}\nspec:\n  containers: [{name: c, image: bb}]\n").Pods[0]
	if pod.Name != "solo" || pod.Members[0].Name != "solo-c" || pod.Members[0].Args[5] != "always" {
		t.Errorf("pod: %+v", pod)
	}
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  replicas: 1
  selector: {matchLabels: {a: b}}
  template:
    spec:
      containers:
      - name: c
        image: bb
`

func mustPlan(t *testing.T, yaml string) *Plan {
	t.Helper()
	d := NewDocs()
	if err := d.Add("x.yaml", []byte(yaml)); err != nil {
		t.Fatal(err)
	}
	p, err := MakePlan(d)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBadYAML(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: bb}\n"
	cases := []struct{ name, yaml, want string }{
		{"syntax", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n---\na: b\n  c: : d\n", "x.yaml:6: bad YAML: yaml: line 6: mapping values are not allowed"},
		{"unknown kind", "---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n", `x.yaml:2: Service: kind "Service" of apiVersion "v1" is not supported`},
		{"no kind", "a: b\n", "x.yaml:1: no kind"},
		{"unknown field", pod + "  - {name: b, image: bb, foo: 1}\n", "x.yaml:1: Pod: spec.containers[1].foo: unknown field"},
		{"unknown field in deployment", strings.Replace(deployment, "image: bb", "image: bb\n        bar: 2", 1),
			"x.yaml:1: Deployment: spec.template.spec.containers[0].bar: unknown field"},
		{"wrong type", strings.Replace(pod, "image: bb}", "image: bb, ports: [{containerPort: x}]}", 1), "x.yaml:1: Pod: cannot unmarshal string into Go struct field"},
		{"duplicate key", "apiVersion: v1\nkind: Pod\nkind: Pod\n", "x.yaml:3: bad YAML"},
		{"unsupported field", strings.Replace(pod, "image: bb}", "image: bb, lifecycle: {preStop: {exec: {command: [\"true\"]}}}}", 1),
			"x.yaml:1: Pod p: spec.containers[0].lifecycle: not supported by podunit"},
		{"startup probe alone", strings.Replace(pod, "image: bb}", "image: bb, startupProbe: {exec: {command: [\"true\"]}}}", 1),
			"x.yaml:1: Pod p: spec.containers[0].startupProbe: needs a livenessProbe or readinessProbe"},
		{"startup probe grpc", strings.Replace(pod, "image: bb}", "image: bb, livenessProbe: {exec: {command: [\"true\"]}}, startupProbe: {grpc: {port: 1}}}", 1),
			"spec.containers[0].startupProbe.grpc: not supported by podunit"},
		{"no such volume", strings.Replace(pod, "image: bb}", "image: bb, volumeMounts: [{name: v, mountPath: /v}]}", 1),
			"Pod p: spec.containers[0].volumeMounts[0].name: no volume \"v\""},
		{"subPath outside", strings.Replace(pod, "image: bb}", "image: bb, volumeMounts: [{name: v, mountPath: /v, subPath: ../x}]}", 1) +
			"  volumes: [{name: v, emptyDir: {}}]\n", `spec.containers[0].volumeMounts[0].subPath: "../x" is not a relative path inside`},
		{"subPathExpr", strings.Replace(pod, "image: bb}", "image: bb, volumeMounts: [{name: v, mountPath: /v, subPathExpr: x}]}", 1),
			"spec.containers[0].volumeMounts[0].subPathExpr: not supported by podunit"},
		{"missing config map", strings.Replace(pod, "image: bb}", "image: bb, env: [{name: A, valueFrom: {configMapKeyRef: {name: m, key: k}}}]}", 1),
			`spec.containers[0].env[0].valueFrom.configMapKeyRef.name: no ConfigMap "m"`},
		{"fieldRef status", strings.Replace(pod, "image: bb}", "image: bb, env: [{name: A, valueFrom: {fieldRef: {fieldPath: status.podIP}}}]}", 1),
			`spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: "status.podIP": podunit knows`},
		{"resourceFieldRef unset", strings.Replace(pod, "image: bb}", "image: bb, env: [{name: A, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}]}", 1),
			`spec.containers[0].env[0].valueFrom.resourceFieldRef.resource: container "a" sets no limits.cpu`},
		{"resourceFieldRef other container", strings.Replace(pod, "image: bb}", "image: bb, env: [{name: A, valueFrom: {resourceFieldRef: {containerName: z, resource: limits.cpu}}}]}", 1),
			`resourceFieldRef.containerName: no container "z"`},
		{"grpc probe", strings.Replace(pod, "image: bb}", "image: bb, livenessProbe: {grpc: {port: 9000}}}", 1),
			"spec.containers[0].livenessProbe.grpc: not supported by podunit"},
		{"seccomp Localhost", strings.Replace(pod, "image: bb}", "image: bb, securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}}", 1),
			`spec.containers[0].securityContext.seccompProfile.type: "Localhost": podunit takes Unconfined or RuntimeDefault`},
		{"windowsOptions", strings.Replace(pod, "image: bb}", "image: bb, securityContext: {windowsOptions: {runAsUserName: x}}}", 1),
			"spec.containers[0].securityContext.windowsOptions: not supported by podunit"},
		{"init type annotation", strings.Replace(strings.Replace(pod, "metadata: {name: p}", "metadata: {name: p, annotations: {io.podman.annotations.init.container.type: twice}}", 1),
			"spec:\n", "spec:\n  initContainers: [{name: i, image: bb}]\n", 1),
			`metadata.annotations.io.podman.annotations.init.container.type: "twice": want always or once`},
		{"replicas and hostPort", strings.Replace(strings.Replace(deployment, "replicas: 1", "replicas: 2", 1), "image: bb", "image: bb\n        ports: [{containerPort: 80, hostPort: 8080}]", 1),
			"2 replicas cannot share a hostPort"},
		{"restart policy", strings.Replace(pod, "spec:\n", "spec:\n  restartPolicy: Sometimes\n", 1), `spec.restartPolicy: "Sometimes"`},
		{"no image", strings.Replace(pod, ", image: bb", "", 1), "spec.containers[0].image: a container needs an image"},
		{"unknown volume source", pod + "  volumes: [{name: v, nfs: {server: s, path: /p}}]\n", "spec.volumes[0].nfs: not supported by podunit"},
		{"ephemeral storage", strings.Replace(pod, "image: bb}", "image: bb, resources: {limits: {ephemeral-storage: 1Gi}}}", 1),
			"spec.containers[0].resources.limits.ephemeral-storage: not supported"},
		{"config map key as path", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata: {\"..\": x}\n---\n" +
			strings.Replace(pod, "image: bb}", "image: bb, volumeMounts: [{name: v, mountPath: /v}]}", 1) + "  volumes: [{name: v, configMap: {name: m}}]\n",
			`key ".." cannot be a file name`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := NewDocs()
			err := d.Add("x.yaml", []byte(c.yaml))
			if err == nil {
				_, err = MakePlan(d)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one with %q", err, c.want)
			}
			var ke *Error
			if !errors.As(err, &ke) || !errdefs.IsInvalidArgument(err) {
				t.Errorf("error %T is not a *kube.Error of class invalid argument", err)
			}
		})
	}
}

func TestConfigMapFiles(t *testing.T) {
	d := NewDocs()
	if err := d.AddConfigMaps("cm.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata: {k: v}\n")); err != nil {
		t.Fatal(err)
	}
	if err := d.AddConfigMaps("pod.yaml", []byte(deployment)); err == nil || !strings.Contains(err.Error(), "ConfigMaps only") {
		t.Errorf("a Deployment in a --configmap file: %v", err)
	}
	if err := d.Add("x.yaml", []byte(strings.Replace(deployment, "image: bb", "image: bb\n        envFrom: [{configMapRef: {name: m}, prefix: P_}]", 1))); err != nil {
		t.Fatal(err)
	}
	p, err := MakePlan(d)
	if err != nil {
		t.Fatal(err)
	}
	if args := strings.Join(p.Pods[0].Members[0].Args, " "); !strings.Contains(args, "--env P_k=v") {
		t.Errorf("envFrom: %s", args)
	}
}

func TestProbes(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: bb\n"
	p := mustPlan(t, pod+"    livenessProbe: {exec: {command: [cat, /ok]}, periodSeconds: 5, failureThreshold: 2}\n")
	args := strings.Join(p.Pods[0].Members[0].Args, " ")
	want := `--health-cmd ["cat","/ok"] --health-on-failure restart --health-interval 5s --health-timeout 1s --health-retries 2 --health-start-period 0s`
	if !strings.Contains(args, want) {
		t.Errorf("liveness probe:\n got %s\nwant %s", args, want)
	}
	p = mustPlan(t, pod+"    ports: [{name: web, containerPort: 8080}]\n    livenessProbe: {httpGet: {port: web, path: /healthz}}\n")
	if args := strings.Join(p.Pods[0].Members[0].Args, " "); !strings.Contains(args,
		"--health-cmd wget -q -O /dev/null 'http://127.0.0.1:8080/healthz' || curl -fsS -o /dev/null 'http://127.0.0.1:8080/healthz' --health-on-failure restart") {
		t.Errorf("httpGet probe: %s", args)
	}
	p = mustPlan(t, pod+"    readinessProbe: {tcpSocket: {port: 53}}\n")
	if args := strings.Join(p.Pods[0].Members[0].Args, " "); !strings.Contains(args, "--health-cmd nc -z '127.0.0.1' 53 2>/dev/null || nc -w 1 '127.0.0.1' 53 </dev/null >/dev/null --health-on-failure none") {
		t.Errorf("tcpSocket probe: %s", args)
	}
	p = mustPlan(t, pod+"    readinessProbe: {exec: {command: [\"true\"]}}\n")
	if args := strings.Join(p.Pods[0].Members[0].Args, " "); !strings.Contains(args, "--health-on-failure none --health-interval 10s") {
		t.Errorf("readiness probe: %s", args)
	}
	p = mustPlan(t, pod+"    livenessProbe: {exec: {command: [a]}}\n    startupProbe: {exec: {command: [b, c]}, periodSeconds: 2, failureThreshold: 30}\n")
	if args := strings.Join(p.Pods[0].Members[0].Args, " "); !strings.Contains(args,
		`--health-startup-cmd ["b","c"] --health-startup-interval 2s --health-startup-timeout 1s --health-startup-retries 30`) {
		t.Errorf("startup probe: %s", args)
	}
	for yaml, want := range map[string]string{
		pod + "    livenessProbe: {exec: {command: [a]}}\n    startupProbe: {exec: {command: [b]}, initialDelaySeconds: 3}\n": "startupProbe.initialDelaySeconds: podunit's startup check has no initial delay",
		pod + "    livenessProbe: {grpc: {port: 80}}\n":                                                                       "spec.containers[0].livenessProbe.grpc: not supported by podunit",
		pod + "    livenessProbe: {httpGet: {port: web}}\n":                                                                   `livenessProbe.httpGet.port: no port named "web"`,
		pod + "    startupProbe: {exec: {command: [\"true\"]}}\n":                                                             "spec.containers[0].startupProbe: needs a livenessProbe",
		pod + "    livenessProbe: {exec: {command: [a]}, terminationGracePeriodSeconds: 3}\n":                                 "livenessProbe.terminationGracePeriodSeconds: not supported",
	} {
		d := NewDocs()
		err := d.Add("x.yaml", []byte(yaml))
		if err == nil {
			_, err = MakePlan(d)
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
}

func TestDaemonSetAndJob(t *testing.T) {
	tpl := "  selector: {matchLabels: {a: b}}\n  template:\n    spec:\n      restartPolicy: %s\n      containers: [{name: c, image: bb}]\n"
	ds := "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ds}\nspec:\n" + strings.Replace(tpl, "%s", "Always", 1)
	job := "apiVersion: batch/v1\nkind: Job\nmetadata: {name: jb}\nspec:\n" + strings.Replace(tpl, "%s", "Never", 1)
	p := mustPlan(t, ds+"---\n"+job)
	var got []string
	for _, pod := range p.Pods {
		got = append(got, pod.Name+" "+strings.Join(pod.Members[0].Args[:6], " "))
	}
	want := []string{"ds-pod --name ds-pod-c --pod ds-pod --restart always", "jb-pod --name jb-pod-c --pod jb-pod --restart no"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	d := NewDocs()
	err := d.Add("x.yaml", []byte(strings.Replace(job, "Never", "Always", 1)))
	if err == nil || !strings.Contains(err.Error(), "spec.template.spec.restartPolicy: a Job's pods need Never or OnFailure") {
		t.Errorf("a Job that restarts always: %v", err)
	}
}

func TestOwned(t *testing.T) {
	yaml := strings.Replace(deployment, "replicas: 1", "replicas: 2", 1) + "      volumes: [{name: tmp, emptyDir: {}}, {name: d, persistentVolumeClaim: {claimName: keep}}]\n"
	d := NewDocs()
	if err := d.Add("x.yaml", []byte(yaml)); err != nil {
		t.Fatal(err)
	}
	pods, vols := Owned(d)
	var got []string
	for _, p := range pods {
		got = append(got, p.Name)
	}
	for _, v := range vols {
		got = append(got, v.Kind+":"+v.Name)
	}
	if want := []string{"d-pod-0", "d-pod-1", "emptyDir:d-pod-0-tmp", "emptyDir:d-pod-1-tmp"}; !reflect.DeepEqual(got, want) {
		t.Errorf("kube down removes %q, want %q", got, want)
	}
}

func TestPodLimits(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n" +
		"  - {name: a, image: bb, resources: {limits: {memory: 64Mi, cpu: 250m}}}\n" +
		"  - {name: b, image: bb, resources: {limits: {memory: 32Mi}}}\n"
	p := mustPlan(t, pod).Pods[0]
	if p.Memory != 96<<20 || p.CPUs != 0 {
		t.Errorf("pod limits %d bytes %g CPUs, want 96Mi and none (b has no CPU limit)", p.Memory, p.CPUs)
	}
}

func TestTooManyReplicas(t *testing.T) {
	d := NewDocs()
	err := d.Add("x.yaml", []byte(strings.Replace(deployment, "replicas: 1", "replicas: 2000000000", 1)))
	if err == nil || !strings.Contains(err.Error(), "spec.replicas: 2000000000: want 0 to 64") {
		t.Errorf("error %v", err)
	}
}

func TestStoredSecrets(t *testing.T) {
	sec := "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {PW: x}\n"
	d := NewDocs()
	if err := d.Add("s.yaml", []byte(sec)); err != nil {
		t.Fatal(err)
	}
	stored, err := d.SecretsToStore()
	if err != nil || len(stored) != 1 {
		t.Fatalf("%v %q", err, stored)
	}
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: bb\n" +
		"    env: [{name: PW, valueFrom: {secretKeyRef: {name: s, key: PW}}}]\n"
	d = NewDocs()
	if err := d.Add("p.yaml", []byte(pod)); err != nil {
		t.Fatal(err)
	}
	if got := d.MissingSecrets(); !reflect.DeepEqual(got, []string{"s"}) {
		t.Fatalf("missing %q", got)
	}
	if err := d.AddStoredSecret("s", []byte("not: a secret\n")); err == nil {
		t.Error("a podunit secret that is no Kubernetes Secret was taken")
	}
	if err := d.AddStoredSecret("s", stored["s"]); err != nil {
		t.Fatal(err)
	}
	if again, _ := d.SecretsToStore(); len(again) != 0 {
		t.Errorf("a Secret read from the store is stored again: %q", again)
	}
	p, err := MakePlan(d)
	if err != nil {
		t.Fatal(err)
	}
	if args := strings.Join(p.Pods[0].Members[0].Args, " "); !strings.Contains(args, "--env PW=x") {
		t.Errorf("args %s", args)
	}
}
