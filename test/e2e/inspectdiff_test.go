package e2e

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// volatileInspect are the inspect fields that differ between two
// containers made from the same settings: identity, times, what is running
// and where. Everything else must be equal after a round trip.
var volatileInspect = []string{"Id", "Created", "State", "Unit", "NetworkSettings.IPAddress",
	// paths named by the container's ID, set once it has run
	"GraphDriver", "HostnamePath", "HostsPath", "PidFile", "ResolvConfPath"}

// inspectDiff compares two containers' inspect JSON and returns each path
// whose value differs, skipping the paths in ignore and their children.
func inspectDiff(t testing.TB, a, b string, ignore []string) []string {
	t.Helper()
	var va, vb []any
	if err := json.Unmarshal([]byte(a), &va); err != nil || len(va) != 1 {
		t.Fatalf("inspect output %q: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil || len(vb) != 1 {
		t.Fatalf("inspect output %q: %v", b, err)
	}
	var diffs []string
	walkDiff("", va[0], vb[0], ignore, &diffs)
	sort.Strings(diffs)
	return diffs
}

func walkDiff(path string, a, b any, ignore []string, diffs *[]string) {
	if slices.Contains(ignore, path) {
		return
	}
	ma, okA := a.(map[string]any)
	mb, okB := b.(map[string]any)
	if !okA || !okB {
		if !reflect.DeepEqual(a, b) {
			*diffs = append(*diffs, fmt.Sprintf("%s: %s != %s", path, brief(a), brief(b)))
		}
		return
	}
	keys := map[string]bool{}
	for k := range ma {
		keys[k] = true
	}
	for k := range mb {
		keys[k] = true
	}
	for k := range keys {
		walkDiff(strings.TrimPrefix(path+"."+k, "."), ma[k], mb[k], ignore, diffs)
	}
}

func brief(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

func TestInspectDiff(t *testing.T) {
	t.Parallel()
	a := `[{"Id":"1","Config":{"Env":["A=1"],"Labels":{"x":"y"}},"HostConfig":{"Dns":[]}}]`
	b := `[{"Id":"2","Config":{"Env":["A=2"],"Labels":{"x":"y","z":""}},"HostConfig":{"Dns":[]}}]`
	got := inspectDiff(t, a, b, []string{"Id"})
	want := []string{`Config.Env: ["A=1"] != ["A=2"]`, `Config.Labels.z: null != ""`}
	if !slices.Equal(got, want) {
		t.Errorf("inspectDiff = %q, want %q", got, want)
	}
}
