package main

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/kube"
	"github.com/podunit/podunit/engine/model"
)

// TestKubeArgvParses: every argv engine/kube writes is one create's own
// flag set reads, into the options the CLI would build.
func TestKubeArgvParses(t *testing.T) {
	data, err := os.ReadFile("../../engine/kube/testdata/app.yaml")
	if err != nil {
		t.Fatal(err)
	}
	yaml := strings.Replace(string(data), "        workingDir: /srv\n",
		"        workingDir: /srv\n        livenessProbe: {exec: {command: [cat, /ok]}, periodSeconds: 5}\n"+
			"        startupProbe: {tcpSocket: {port: 8080}, periodSeconds: 2, failureThreshold: 30}\n", 1)
	d := kube.NewDocs()
	if err := d.Add("app.yaml", []byte(yaml)); err != nil {
		t.Fatal(err)
	}
	plan, err := kube.MakePlan(d)
	if err != nil {
		t.Fatal(err)
	}
	pods, err := kubePods(plan, &kubePlayFlags{publish: []string{"9090:90"}, networks: []string{"lan:ip=10.89.9.9"}})
	if err != nil {
		t.Fatal(err)
	}
	p := pods[0]
	if p.opts.Name != "app-pod" || p.opts.Hostname != "app-pod" || p.opts.Network != "lan" || p.opts.FirstNetworkOpts.IP != "10.89.9.9" ||
		!reflect.DeepEqual(p.opts.Publish, []string{"18080:8080", "9090:90"}) {
		t.Errorf("pod options: %+v", p.opts)
	}
	web := p.members[0].opts
	if web.Name != "app-pod-web" || web.Pod != "app-pod" || !web.Config.ReadOnly || web.Config.Resources.Memory != 64<<20 ||
		web.Config.User != "1000:1000" || web.Config.Restart != "on-failure" || web.Config.Health == nil ||
		!reflect.DeepEqual(web.Config.Health.Test, []string{"CMD", "cat", "/ok"}) || len(web.Config.Mounts) != 3 {
		t.Errorf("web options: %+v", web)
	}
	if !reflect.DeepEqual(web.Env[:2], []string{"GREETING=hello", "PASSWORD=s3cret"}) {
		t.Errorf("web env: %q", web.Env)
	}
	if s := web.Config.Health.Startup; s == nil || s.Retries != 30 || s.Interval.Seconds() != 2 || len(s.Test) != 2 || s.Test[0] != "CMD-SHELL" {
		t.Errorf("web's startup check: %+v", s)
	}
	if init := p.inits[0].opts; init.Name != "app-pod-prep" || init.Config.Restart != "" || init.Config.InitCtr != "always" {
		t.Errorf("init options: %+v", init)
	}
	bad := *plan
	bad.Pods = []kube.Pod{{Name: "x", Members: []kube.Member{{Name: "x-a", Args: []string{"--cpus", "-1", "bb"}}}}}
	if _, err := kubePods(&bad, &kubePlayFlags{}); err == nil || !strings.Contains(err.Error(), "container x-a: --cpus") {
		t.Errorf("a bad value: %v", err)
	}
}

// TestKubePlayMore: kube play's --annotation, --log-driver, --log-opt and
// --userns reach every container's and pod's options, checked by create's
// own flags.
func TestKubePlayMore(t *testing.T) {
	for _, more := range []kubePlayMore{
		{annotations: []string{"a=b"}, logDriver: "none", userns: "auto"},
		{annotations: []string{"a=b"}, logOpts: []string{"tag=x"}, userns: "auto"},
	} {
		pods, err := kubePodsWith(t, more)
		if err != nil {
			t.Fatal(err)
		}
		c := pods[0].members[0].opts.Config
		if c.LogDriver != more.logDriver || c.LogTag != strings.TrimPrefix(strings.Join(more.logOpts, ""), "tag=") ||
			c.Annotations["a"] != "b" || pods[0].opts.UserNS != "auto" {
			t.Errorf("%+v: log %q tag %q annotations %v userns %q", more, c.LogDriver, c.LogTag, c.Annotations, pods[0].opts.UserNS)
		}
	}
	if err := (&kubePlayMore{annotations: []string{"=v"}}).apply(kube.NewDocs()); err == nil {
		t.Error("--annotation with no key was accepted")
	}
}

// TestKubePlayBadFlags: values of kube play's flags that create or pod
// create would refuse are refused while the plan is parsed, before play
// makes anything, naming the flag.
func TestKubePlayBadFlags(t *testing.T) {
	for _, c := range []struct {
		more kubePlayMore
		want string
	}{
		{kubePlayMore{logDriver: "bogus"}, `--log-driver "bogus"`},
		{kubePlayMore{logDriver: "k8s-file"}, "--log-driver k8s-file"},
		{kubePlayMore{logDriver: "none", logOpts: []string{"tag=x"}}, "--log-opt tag=x"},
		{kubePlayMore{userns: "bogus"}, "--userns"},
		{kubePlayMore{userns: "container:x"}, `--userns "container:x"`},
		{kubePlayMore{userns: "auto:size=x"}, "--userns"},
	} {
		_, err := kubePodsWith(t, c.more)
		if err == nil || !strings.Contains(err.Error(), c.want) || !(errdefs.IsInvalidArgument(err) || errdefs.IsNotImplemented(err)) {
			t.Errorf("%+v: %v, want an argument error naming %s", c.more, err, c.want)
		}
	}
}

// kubePodsWith parses a one-container Pod with play flags more.
func kubePodsWith(t *testing.T, more kubePlayMore) ([]*kubePod, error) {
	t.Helper()
	d := kube.NewDocs()
	if err := d.Add("p.yaml", []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: bb}]\n")); err != nil {
		t.Fatal(err)
	}
	f := &kubePlayFlags{more: more}
	if err := f.more.apply(d); err != nil {
		return nil, err
	}
	plan, err := kube.MakePlan(d)
	if err != nil {
		t.Fatal(err)
	}
	return kubePods(plan, f)
}

// TestKubeHostNS: hostPID and hostIPC become the pod's --pid host and
// --ipc host, which take those namespaces out of the shared ones.
func TestKubeHostNS(t *testing.T) {
	d := kube.NewDocs()
	if err := d.Add("h.yaml", []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: h}\nspec:\n  hostPID: true\n  hostIPC: true\n  containers: [{name: c, image: bb}]\n")); err != nil {
		t.Fatal(err)
	}
	plan, err := kube.MakePlan(d)
	if err != nil {
		t.Fatal(err)
	}
	pods, err := kubePods(plan, &kubePlayFlags{})
	if err != nil {
		t.Fatal(err)
	}
	if got := pods[0].opts.PodHostNS; got != (model.PodHostNS{PIDMode: "host", IPCMode: "host"}) {
		t.Errorf("pod options: %+v", got)
	}
}
