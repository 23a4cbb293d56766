package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestInfoAndVersion compares `info` and `version` with Podman's documented
// JSON keys and template fields, and checks the numbers follow the store.
func TestInfoAndVersion(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	t.Run("version", func(t *testing.T) {
		e := e.on(t)
		var v map[string]map[string]any
		decodeJSON(t, e.must("version", "--format", "json"), &v)
		wantKeys(t, "version Client", v["Client"], "APIVersion", "Version", "GoVersion", "GitCommit", "BuiltTime", "Built", "OsArch", "Os")
		if got := e.must("version", "--format", "{{.Client.Version}}"); got != v["Client"]["Version"].(string)+"\n" {
			t.Errorf("version --format {{.Client.Version}}: %q", got)
		}
		plain := e.must("version")
		for _, l := range []string{"Version:", "API Version:", "Go Version:", "Git Commit:", "Built:", "OS/Arch:"} {
			if !strings.Contains(plain, "\n"+l) {
				t.Errorf("version lacks %q:\n%s", l, plain)
			}
		}
	})
	t.Run("info", func(t *testing.T) { checkInfo(t, e) })
}

func checkInfo(t *testing.T, e *env) {
	e = e.on(t)
	conf := []byte("unqualified-search-registries = [\"registry.example.test\"]\n")
	if err := os.WriteFile(filepath.Join(e.dir, "registries.conf"), conf, 0o644); err != nil {
		t.Fatal(err)
	}
	info := func() map[string]map[string]any {
		var v map[string]map[string]any
		decodeJSON(t, e.must("info", "--format", "json"), &v)
		return v
	}
	before := info()
	wantKeys(t, "info", before["host"], "arch", "cgroupManager", "cgroupVersion", "cpus", "distribution", "eventLogger",
		"hostname", "kernel", "memFree", "memTotal", "ociRuntime", "os", "swapFree", "swapTotal", "uptime")
	wantKeys(t, "info store", before["store"], "configFile", "containerStore", "graphDriverName", "graphRoot",
		"imageStore", "runRoot", "volumePath")
	wantKeys(t, "info version", before["version"], "APIVersion", "Version", "GoVersion", "OsArch")
	if s := before["registries"]["search"]; !slices.Equal(toStrings(s), []string{"registry.example.test"}) {
		t.Errorf("registries.search %v, want registries.conf's", s)
	}
	if got := before["store"]["graphRoot"]; got != filepath.Join(e.dir, "root") {
		t.Errorf("graphRoot %v, want --root", got)
	}
	e.image()
	e.must("create", "--name", "one", "bb", "true")
	got := e.must("info", "--format", "{{.Host.OCIRuntime.Name}} {{.Store.ImageStore.number}} {{.Store.ContainerStore.Number}}")
	if got != "runc 1 1\n" {
		t.Errorf("info template after one image and one container: %q", got)
	}
	yaml := e.must("info")
	for _, l := range []string{"host:\n  arch: ", "store:\n", "registries:\n  search:\n  - registry.example.test\n", "version:\n"} {
		if !strings.Contains(yaml, l) {
			t.Errorf("info YAML lacks %q:\n%s", l, yaml)
		}
	}
}

func decodeJSON(t testing.TB, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
}

// wantKeys fails unless every key is in m.
func wantKeys[V any](t testing.TB, what string, m map[string]V, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("%s: no key %q in %v", what, k, m)
		}
	}
}

func toStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
