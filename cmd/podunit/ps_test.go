package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/model"
)

// podmanPsKeys are the keys of `podman ps --format json` (Podman's
// entities.ListContainer, with Created in Unix seconds) that podunit has.
var podmanPsKeys = []string{"AutoRemove", "Command", "Created", "CreatedAt", "ExitCode", "Exited", "ExitedAt",
	"Id", "Image", "ImageID", "IsInfra", "Labels", "Mounts", "Names", "Networks", "Pid", "Pod", "PodName",
	"Ports", "Restarts", "StartedAt", "State", "Status"}

func testMember(t *testing.T) (*model.Container, *model.Pod) {
	t.Helper()
	created := time.Now().Add(-time.Hour)
	pod := &model.Pod{ID: strings.Repeat("b", 64), Name: "shop",
		Config: model.PodConfig{Network: "podunit", Ports: []model.PortMapping{{HostPort: 8080, ContainerPort: 80, Protocol: "tcp"}}}}
	c := &model.Container{ID: strings.Repeat("a", 64), Name: "web", Image: "docker.io/library/busybox:latest",
		ImageID: strings.Repeat("c", 64), Created: created,
		Config: model.Config{Cmd: []string{"sleep", "1000"}, Pod: pod.ID,
			Mounts: []model.Mount{{Type: "volume", Source: "data", Destination: "/data"}}},
		State: model.State{Status: model.Running, Pid: 42, StartedAt: created}}
	return c, pod
}

func TestPsJSONHasPodmansKeysAndTypes(t *testing.T) {
	c, pod := testMember(t)
	b, err := json.Marshal([]psJSON{newPsRow(c, pod, false, time.Now()).psJSON})
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range podmanPsKeys {
		if _, ok := got[0][k]; !ok {
			t.Errorf("key %q missing from %v", k, slices.Sorted(maps.Keys(got[0])))
		}
	}
	j := got[0]
	if j["Id"] != c.ID || j["Pod"] != pod.ID || j["PodName"] != "shop" || j["ImageID"] != c.ImageID {
		t.Errorf("IDs are not full, or the pod is missing: %v", j)
	}
	if _, ok := j["Created"].(float64); !ok {
		t.Errorf("Created is %T, want a number (Unix seconds)", j["Created"])
	}
	if names, ok := j["Names"].([]any); !ok || len(names) != 1 || names[0] != "web" {
		t.Errorf("Names: %v", j["Names"])
	}
	ports, ok := j["Ports"].([]any)
	if !ok || len(ports) != 1 {
		t.Fatalf("a pod member's Ports are its pod's: %v", j["Ports"])
	}
	want := map[string]any{"host_ip": "", "container_port": 80.0, "host_port": 8080.0, "range": 1.0, "protocol": "tcp"}
	if p := ports[0].(map[string]any); !maps.Equal(p, want) {
		t.Errorf("port %v, want %v", p, want)
	}
	if !strings.HasPrefix(j["Status"].(string), "Up ") || j["CreatedAt"] != "About an hour ago" {
		t.Errorf("Status %q CreatedAt %q", j["Status"], j["CreatedAt"])
	}
}

func TestPsTemplateFields(t *testing.T) {
	c, pod := testMember(t)
	row := newPsRow(c, pod, false, time.Now())
	var out bytes.Buffer
	format := "{{.ID}} {{.Pod}} {{.PodName}} {{.Names}} {{.Ports}} {{.Image}} {{.Command}} {{.Networks}} {{.Label \"x\"}}|"
	if err := writeTable(&out, "ps", format, psRow{}, psHeaders, []psRow{row}, false); err != nil {
		t.Fatal(err)
	}
	want := "aaaaaaaaaaaa bbbbbbbbbbbb shop web 0.0.0.0:8080->80/tcp docker.io/library/busybox:latest sleep 1000 podunit |\n"
	if out.String() != want {
		t.Errorf("got  %q\nwant %q", out.String(), want)
	}
	out.Reset()
	if err := writeTable(&out, "ps", "table {{.ID}}\t{{.Pod}}\t{{.PodName}}", psRow{}, psHeaders, []psRow{row}, false); err != nil {
		t.Fatal(err)
	}
	if hdr := strings.Fields(strings.SplitN(out.String(), "\n", 2)[0]); !slices.Equal(hdr, []string{"CONTAINER", "ID", "POD", "ID", "PODNAME"}) {
		t.Errorf("header %q", hdr)
	}
}

// TestTemplateErrorPrintsNothing: a template that fails on some row writes
// no part of the table, and its error names no Go type.
func TestTemplateErrorPrintsNothing(t *testing.T) {
	c, pod := testMember(t)
	rows := []psRow{newPsRow(c, nil, false, time.Now()), newPsRow(c, pod, false, time.Now())}
	var out bytes.Buffer
	err := writeTable(&out, "ps", "table {{.ID}}\t{{index .Labels \"x\" | len}}", psRow{}, psHeaders, rows, false)
	if err == nil {
		t.Fatal("no error")
	}
	if out.Len() != 0 {
		t.Errorf("printed %q before the error", out.String())
	}
	err = writeTable(&out, "ps", "{{.Nope}}", psRow{}, psHeaders, rows, false)
	if err == nil || strings.Contains(err.Error(), "main.") {
		t.Errorf("error %v", err)
	}
}

// podmanInspectKeys are keys of `podman inspect` (InspectContainerData)
// that podunit has, at the top level and in each Mounts entry.
var (
	podmanInspectKeys = []string{"Id", "Created", "Path", "Args", "State", "Image", "ImageName", "Pod", "Name",
		"IsInfra", "RestartCount", "OCIRuntime", "Mounts", "NetworkSettings", "Config", "HostConfig"}
	podmanMountKeys = []string{"Type", "Name", "Source", "Destination", "Driver", "Mode", "Options", "RW", "Propagation"}
)

func TestInspectJSONHasPodmansKeys(t *testing.T) {
	c, pod := testMember(t)
	b, err := json.Marshal(newInspectData(c, func(name string) string { return "/v/" + name + "/_data" }))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range podmanInspectKeys {
		if _, ok := got[k]; !ok {
			t.Errorf("key %q missing", k)
		}
	}
	if got["Pod"] != pod.ID {
		t.Errorf("Pod %v", got["Pod"])
	}
	m := got["Mounts"].([]any)[0].(map[string]any)
	for _, k := range podmanMountKeys {
		if _, ok := m[k]; !ok {
			t.Errorf("mount key %q missing", k)
		}
	}
	if m["Type"] != "volume" || m["Name"] != "data" || m["Source"] != "/v/data/_data" || m["Destination"] != "/data" {
		t.Errorf("named volume as %v", m)
	}
}

func TestInspectTemplateUsesJSONKeys(t *testing.T) {
	c, _ := testMember(t)
	view, err := jsonView([]any{newInspectData(c, func(string) string { return "/v/data/_data" })})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	format := "{{.Id}} {{.ID}} {{.State.Pid}} {{if eq .State.ExitCode 0}}zero{{end}} {{.Config.Image}}"
	if err := writeTable(&out, "inspect", format, nil, nil, view, true); err != nil {
		t.Fatal(err)
	}
	if want := c.ID + " " + c.ID + " 42 zero docker.io/library/busybox:latest\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	err = writeTable(&out, "inspect", "{{.Nope}}", nil, nil, view, true)
	if err == nil || !strings.Contains(err.Error(), `"Nope"`) || strings.Contains(err.Error(), "main.") {
		t.Errorf("unknown key: %v", err)
	}
}

// TestPsDefaultCells: the default ps table, written from defaultCells
// without a template, is the one psDefaultFormat's template writes.
func TestPsDefaultCells(t *testing.T) {
	c, pod := testMember(t)
	long := *c
	long.Config.Cmd = []string{"sh", "-c", "echo a rather long command line"}
	now := time.Now()
	rows := []psRow{newPsRow(c, pod, false, now), newPsRow(c, nil, true, now), newPsRow(&long, nil, false, now)}
	for _, noHeading := range []bool{false, true} {
		var want, got bytes.Buffer
		if err := writeTable(&want, "ps", psDefaultFormat, psRow{}, psHeaders, rows, noHeading); err != nil {
			t.Fatal(err)
		}
		a := &app{out: &got}
		o := listOutput{name: "ps", defaultFormat: psDefaultFormat, headers: psHeaders, noHeading: noHeading}
		if err := printList(a, o, rows, func(r psRow) string { return r.ID() }); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("noHeading %v: without the template:\n%s\nwith it:\n%s", noHeading, got.String(), want.String())
		}
	}
}
