package kube

import (
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/model"
)

// TestHostNamespaces: hostPID and hostIPC are played (no longer refused
// as fields podunit does not translate), and generate kube writes them
// back from a pod whose members run in the host's namespaces.
func TestHostNamespaces(t *testing.T) {
	pod := &model.Pod{Name: "h", Config: model.PodConfig{PodHostNS: model.PodHostNS{PIDMode: model.HostNS, IPCMode: model.HostNS}}}
	c := &model.Container{Name: "h-a", Image: "bb", Config: model.Config{Cmd: []string{"true"}}}
	data, _, err := Generate([]Source{{Pod: pod, Members: []*model.Container{c}}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "hostPID: true") || !strings.Contains(string(data), "hostIPC: true") {
		t.Errorf("generate kube of a host-namespace pod:\n%s", data)
	}
	for _, yaml := range []string{string(data),
		"apiVersion: v1\nkind: Pod\nmetadata: {name: h}\nspec:\n  hostPID: true\n  hostIPC: true\n  containers: [{name: a, image: bb}]\n"} {
		d := NewDocs()
		if err := d.Add("h.yaml", []byte(yaml)); err != nil {
			t.Fatal(err)
		}
		p, err := MakePlan(d)
		if err != nil {
			t.Fatalf("%v\n%s", err, yaml)
		}
		if got := p.Pods[0]; !got.HostPID || !got.HostIPC {
			t.Errorf("plan of\n%s: %+v", yaml, got)
		}
	}
}
