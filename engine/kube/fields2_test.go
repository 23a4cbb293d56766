package kube

import (
	"reflect"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/model"
)

// planPod plans yaml (one Pod) and returns its pod.
func planPod(t *testing.T, yaml string) Pod {
	t.Helper()
	d := NewDocs()
	d.NodeName = "host1"
	if err := d.Add("x.yaml", []byte(yaml)); err != nil {
		t.Fatal(err)
	}
	p, err := MakePlan(d)
	if err != nil {
		t.Fatal(err)
	}
	return p.Pods[0]
}

// flagValues are the values of flag in args, in order.
func flagValues(args []string, flag string) []string {
	var out []string
	for i := 0; i+1 < len(args); i++ {
		if args[i] == flag {
			out = append(out, args[i+1])
		}
	}
	return out
}

const downward = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  labels: {app: web}
  annotations: {team: blue, io.podman.annotations.init.container.type: once}
spec:
  serviceAccountName: robot
  initContainers:
  - {name: prep, image: bb}
  containers:
  - name: c
    image: bb
    resources: {limits: {cpu: 1500m, memory: 64Mi}, requests: {cpu: 250m}}
    env:
    - {name: NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: NS, valueFrom: {fieldRef: {apiVersion: v1, fieldPath: metadata.namespace}}}
    - {name: APP, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
    - {name: TEAM, valueFrom: {fieldRef: {fieldPath: "metadata.annotations['team']"}}}
    - {name: NONE, valueFrom: {fieldRef: {fieldPath: "metadata.labels['none']"}}}
    - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
    - {name: SA, valueFrom: {fieldRef: {fieldPath: spec.serviceAccountName}}}
    - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}
    - {name: CPU_M, valueFrom: {resourceFieldRef: {resource: requests.cpu, divisor: 1m}}}
    - {name: MEM_MI, valueFrom: {resourceFieldRef: {resource: requests.memory, divisor: 1Mi}}}
    - {name: SIDE_MEM, valueFrom: {resourceFieldRef: {containerName: side, resource: limits.memory}}}
  - name: side
    image: bb
    resources: {limits: {memory: 1000}}
`

func TestDownwardEnv(t *testing.T) {
	pod := planPod(t, downward)
	got := flagValues(pod.Members[0].Args, "--env")
	want := []string{"NAME=web", "NS=shop", "APP=web", "TEAM=blue", "NONE=", "NODE=host1", "SA=robot",
		"CPU=2", "CPU_M=250", "MEM_MI=64", "SIDE_MEM=1000"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("env:\n got %q\nwant %q", got, want)
	}
}

func TestAnnotationsAndInitType(t *testing.T) {
	pod := planPod(t, downward)
	want := []string{"team=blue"}
	for _, m := range append(pod.Inits, pod.Members...) {
		if got := flagValues(m.Args, "--annotation"); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: annotations %q, want %q", m.Name, got, want)
		}
	}
	if got := flagValues(pod.Inits[0].Args, "--init-ctr"); !reflect.DeepEqual(got, []string{"once"}) {
		t.Errorf("init type %q, want once (the annotation)", got)
	}
	if got := flagValues(pod.Members[0].Args, "--init-ctr"); got != nil {
		t.Errorf("a regular container got --init-ctr %q", got)
	}
}

func TestSubPath(t *testing.T) {
	yaml := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: bb
    volumeMounts:
    - {name: host, mountPath: /a, subPath: sub/dir}
    - {name: scratch, mountPath: /b, subPath: x, readOnly: true}
    - {name: scratch, mountPath: /c}
  volumes:
  - {name: host, hostPath: {path: /srv}}
  - {name: scratch, emptyDir: {}}
`
	got := flagValues(planPod(t, yaml).Members[0].Args, "--mount")
	want := []string{"type=bind,source=/srv/sub/dir,target=/a", "type=volume,source=p-scratch,target=/b,subpath=x,ro",
		"type=volume,source=p-scratch,target=/c"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("mounts:\n got %q\nwant %q", got, want)
	}
}

func TestDeploymentMetaPath(t *testing.T) {
	yaml := strings.Replace(deployment, "  template:\n", "  template:\n    metadata: {annotations: {io.podman.annotations.init.container.type: x}}\n", 1)
	yaml = strings.Replace(yaml, "      containers:\n", "      initContainers: [{name: i, image: bb}]\n      containers:\n", 1)
	d := NewDocs()
	if err := d.Add("x.yaml", []byte(yaml)); err != nil {
		t.Fatal(err)
	}
	_, err := MakePlan(d)
	if err == nil || !strings.Contains(err.Error(), "spec.template.metadata.annotations.") {
		t.Errorf("error %v, want one at spec.template.metadata.annotations", err)
	}
}

func TestPlayOptionsAndAutoUpdate(t *testing.T) {
	yaml := `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations: {io.containers.autoupdate: local, team: red}
spec:
  containers: [{name: web, image: bb}, {name: db, image: bb}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: extra}
spec: {}
`
	d := NewDocs()
	if err := d.Add("x.yaml", []byte(yaml)); err != nil {
		t.Fatal(err)
	}
	d.Play = PlayOptions{Annotations: map[string]string{"team": "blue", AutoUpdateKey + "/db": "registry"},
		CreateArgs: []string{"--log-driver", "passthrough"}}
	p, err := MakePlan(d)
	if err != nil {
		t.Fatal(err)
	}
	web, db := p.Pods[0].Members[0].Args, p.Pods[0].Members[1].Args
	if got := flagValues(web, "--label"); !reflect.DeepEqual(got, []string{"io.containers.autoupdate=local"}) {
		t.Errorf("web's labels %q", got)
	}
	if got := flagValues(db, "--label"); !reflect.DeepEqual(got, []string{"io.containers.autoupdate=registry"}) {
		t.Errorf("db's labels %q (the container's own policy wins)", got)
	}
	if got := flagValues(web, "--annotation"); !reflect.DeepEqual(got, []string{"io.containers.autoupdate=local",
		"io.containers.autoupdate/db=registry", "team=blue"}) {
		t.Errorf("web's annotations %q (the flag's win)", got)
	}
	if got := web[len(web)-3:]; !reflect.DeepEqual(got, []string{"--log-driver", "passthrough", "bb"}) {
		t.Errorf("web's argv ends %q, want the play flags before the image", got)
	}
	if got := ClaimVolumes(d); !reflect.DeepEqual(got, []string{"data", "extra"}) {
		t.Errorf("ClaimVolumes = %q", got)
	}
}

// TestGeneratePodLevel: a pod's own limits and its init containers come
// back from generate kube's YAML through play.
func TestGeneratePodLevel(t *testing.T) {
	pod := &model.Pod{Name: "shop", Config: model.PodConfig{Memory: 256 << 20, CPUs: 1.5}}
	prep := &model.Container{Name: "shop-prep", Image: "bb", Config: model.Config{Cmd: []string{"true"}, StopTimeout: 10,
		PodRole: model.PodRole{InitCtr: model.InitCtrOnce}}}
	web := &model.Container{Name: "shop-web", Image: "bb", Config: model.Config{Cmd: []string{"httpd"}, Restart: "always", StopTimeout: 10,
		Resources: model.Resources{Memory: 64 << 20}}}
	data, _, err := Generate([]Source{{Pod: pod, Members: []*model.Container{prep, web}}})
	if err != nil {
		t.Fatal(err)
	}
	d := NewDocs()
	if err := d.Add("gen.yaml", data); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	p, err := MakePlan(d)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	got := p.Pods[0]
	if got.Memory != 256<<20 || got.CPUs != 1.5 {
		t.Errorf("pod limits %d %v, want the pod's own\n%s", got.Memory, got.CPUs, data)
	}
	if len(got.Inits) != 1 || got.Inits[0].Name != "shop-prep" || !reflect.DeepEqual(flagValues(got.Inits[0].Args, "--init-ctr"), []string{"once"}) {
		t.Errorf("inits %+v\n%s", got.Inits, data)
	}
	if len(got.Members) != 1 || !reflect.DeepEqual(flagValues(got.Members[0].Args, "--restart"), []string{"always"}) {
		t.Errorf("members %+v (the restart policy is the first regular member's)\n%s", got.Members, data)
	}
	bad := strings.Replace(string(data), "  resources:\n    limits:\n", "  resources:\n    requests: {cpu: 1}\n    limits:\n", 1)
	d = NewDocs()
	if err := d.Add("bad.yaml", []byte(bad)); err != nil {
		t.Fatal(err)
	}
	if _, err := MakePlan(d); err == nil || !strings.Contains(err.Error(), "spec.resources.requests: not supported") {
		t.Errorf("pod-level requests: %v", err)
	}
}

func TestSecurityMore(t *testing.T) {
	yaml := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    seLinuxOptions: {type: spc_t, level: "s0:c1"}
    seccompProfile: {type: Unconfined}
  containers:
  - name: a
    image: bb
  - name: b
    image: bb
    securityContext:
      seLinuxOptions: {user: system_u}
      seccompProfile: {type: RuntimeDefault}
      appArmorProfile: {type: Localhost, localhostProfile: strict}
      procMount: Unmasked
`
	pod := planPod(t, yaml)
	if got := flagValues(pod.Members[0].Args, "--security-opt"); !reflect.DeepEqual(got,
		[]string{"label=type:spc_t", "label=level:s0:c1", "seccomp=unconfined"}) {
		t.Errorf("a (the pod's): %q", got)
	}
	if got := flagValues(pod.Members[1].Args, "--security-opt"); !reflect.DeepEqual(got,
		[]string{"unmask=ALL", "label=user:system_u", "apparmor=strict"}) {
		t.Errorf("b (its own, field by field): %q", got)
	}
}

func TestReadinessBesideLiveness(t *testing.T) {
	yaml := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: bb\n" +
		"    livenessProbe: {exec: {command: [live]}}\n    readinessProbe: {exec: {command: [ready]}}\n"
	p := mustPlan(t, yaml)
	if got := flagValues(p.Pods[0].Members[0].Args, "--health-cmd"); !reflect.DeepEqual(got, []string{`["live"]`}) {
		t.Errorf("health cmd %q, want the liveness probe's", got)
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "x.yaml: Pod p: spec.containers[0].readinessProbe: ignored") {
		t.Errorf("warnings %q", p.Warnings)
	}
	bad := strings.Replace(yaml, "readinessProbe: {exec: {command: [ready]}}", "readinessProbe: {grpc: {port: 1}}", 1)
	d := NewDocs()
	if err := d.Add("x.yaml", []byte(bad)); err != nil {
		t.Fatal(err)
	}
	if _, err := MakePlan(d); err == nil || !strings.Contains(err.Error(), "readinessProbe.grpc: not supported") {
		t.Errorf("a grpc readiness probe beside liveness: %v", err)
	}
}
