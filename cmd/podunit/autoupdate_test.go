package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine"
)

var autoUpdateReports = []engine.AutoUpdateReport{
	{Unit: "app.service", ContainerID: strings.Repeat("a", 64), ContainerName: "app",
		Image: "quay.io/x/app:latest", Policy: engine.PolicyRegistry, Updated: engine.UpdatedRolledBack},
	{Unit: "podunit-web.service", ContainerID: strings.Repeat("b", 64), ContainerName: "web",
		Image: "localhost/web:latest", Policy: engine.PolicyLocal, Updated: engine.UpdatedFalse},
}

// TestAutoUpdateOutput: Podman's table columns, its JSON keys and a
// template over its fields; nothing at all when no container has a policy.
func TestAutoUpdateOutput(t *testing.T) {
	print := func(format string, reports []engine.AutoUpdateReport) string {
		var out bytes.Buffer
		a := newApp(nil, &out, &out)
		if err := a.printAutoUpdate(reports, format); err != nil {
			t.Fatalf("--format %q: %v", format, err)
		}
		return out.String()
	}
	want := "UNIT                 CONTAINER           IMAGE                 POLICY      UPDATED\n" +
		"app.service          aaaaaaaaaaaa (app)  quay.io/x/app:latest  registry    rolled back\n" +
		"podunit-web.service  bbbbbbbbbbbb (web)  localhost/web:latest  local       false\n"
	if got := print("", autoUpdateReports); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	if got := print("{{.ContainerName}} {{.Updated}}", autoUpdateReports); got != "app rolled back\nweb false\n" {
		t.Errorf("template: %q", got)
	}
	var rows []map[string]string
	if err := json.Unmarshal([]byte(print("json", autoUpdateReports)), &rows); err != nil || len(rows) != 2 {
		t.Fatalf("json: %v %v", rows, err)
	}
	for _, k := range []string{"Unit", "Container", "ContainerName", "ContainerID", "Image", "Policy", "Updated"} {
		if _, ok := rows[0][k]; !ok {
			t.Errorf("json lacks Podman's key %q: %v", k, rows[0])
		}
	}
	if got := print("", nil); got != "" {
		t.Errorf("no reports printed %q", got)
	}
}
