package kube

import (
	"reflect"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/model"
)

func TestGenerateRoundTrip(t *testing.T) {
	pod := &model.Pod{Name: "web", Config: model.PodConfig{Labels: map[string]string{"tier": "front"}, Hostname: "webhost",
		Ports: []model.PortMapping{{HostPort: 18080, ContainerPort: 80, Protocol: "tcp"}, {HostIP: "127.0.0.1", HostPort: 5353, ContainerPort: 53, Protocol: "udp"}}}}
	web := &model.Container{Name: "web-srv", Image: "localhost/bb:latest", Config: model.Config{
		Entrypoint: []string{"httpd"}, Cmd: []string{"-f", "-p", "80"}, Env: []string{"PATH=/bin", "A=b c"},
		WorkingDir: "/srv", User: "1000:1001", ReadOnly: true, CapAdd: []string{"NET_ADMIN"}, CapDrop: []string{"MKNOD"},
		Restart: "on-failure", StopTimeout: 5,
		Mounts: []model.Mount{{Type: model.MountBind, Source: "/srv/data", Destination: "/data", ReadOnly: true},
			{Type: model.MountVolume, Source: "cache", Destination: "/cache"}},
		Resources: model.Resources{Memory: 64 << 20, NanoCPUs: 1.5e9, MemoryReservation: 32 << 20, CPUShares: 512},
	}}
	side := &model.Container{Name: "web-side", Image: "localhost/bb:latest", Config: model.Config{
		Cmd: []string{"sleep", "600"}, Privileged: true, User: "nobody", StopTimeout: 5,
		Mounts: []model.Mount{{Type: model.MountVolume, Source: "cache", Destination: "/c"}}}}
	data, warnings, err := Generate([]Source{{Pod: pod, Members: []*model.Container{web, side}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `user "nobody"`) {
		t.Errorf("warnings: %q", warnings)
	}
	d := NewDocs()
	if err := d.Add("gen.yaml", data); err != nil {
		t.Fatalf("kube play cannot read generate kube's YAML: %v\n%s", err, data)
	}
	p, err := MakePlan(d)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	got := p.Pods[0]
	if got.Name != "web" || got.Hostname != "webhost" || got.Labels["tier"] != "front" ||
		!reflect.DeepEqual(got.Publish, []string{"18080:80", "127.0.0.1:5353:53/udp"}) {
		t.Errorf("pod: %+v", got)
	}
	wantWeb := []string{"--name", "web-srv", "--pod", "web", "--restart", "on-failure",
		"--workdir", "/srv", "--env", "PATH=/bin", "--env", "A=b c",
		"--cpus", "1.5", "--memory", "67108864", "--cpu-shares", "512", "--memory-reservation", "33554432",
		"--user", "1000:1001", "--cap-add", "NET_ADMIN", "--cap-drop", "MKNOD", "--read-only",
		"--mount", "type=bind,source=/srv/data,target=/data,ro", "--mount", "type=volume,source=cache,target=/cache",
		"--stop-timeout", "5", "--entrypoint", `["httpd"]`, "localhost/bb:latest", "-f", "-p", "80"}
	if !reflect.DeepEqual(got.Members[0].Args, wantWeb) {
		t.Errorf("web:\n got %q\nwant %q\nYAML:\n%s", got.Members[0].Args, wantWeb, data)
	}
	wantSide := []string{"--name", "web-side", "--pod", "web", "--restart", "on-failure", "--privileged",
		"--mount", "type=volume,source=cache,target=/c", "--stop-timeout", "5", "localhost/bb:latest", "sleep", "600"}
	if !reflect.DeepEqual(got.Members[1].Args, wantSide) {
		t.Errorf("side:\n got %q\nwant %q", got.Members[1].Args, wantSide)
	}
}

func TestGenerateContainer(t *testing.T) {
	c := &model.Container{Name: "solo", Image: "bb", Config: model.Config{Cmd: []string{"true"}, StopTimeout: 10,
		Ports: []model.PortMapping{{HostPort: 8080, ContainerPort: 80, Protocol: "tcp"}}}}
	data, _, err := Generate([]Source{{Members: []*model.Container{c}}, {Members: []*model.Container{c}}})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n---\n"); n != 1 {
		t.Errorf("%d separators in:\n%s", n, data)
	}
	d := NewDocs()
	if err := d.Add("gen.yaml", []byte(strings.SplitN(string(data), "---\n", 2)[0])); err != nil {
		t.Fatal(err)
	}
	p, err := MakePlan(d)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Pods[0]; got.Name != "solo-pod" || got.Members[0].Name != "solo-pod-solo" || got.Publish[0] != "8080:80" ||
		!strings.Contains(strings.Join(got.Members[0].Args, " "), "--restart no") {
		t.Errorf("pod: %+v", got)
	}
}
