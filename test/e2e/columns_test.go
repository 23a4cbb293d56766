package e2e

import (
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"text/template"
)

// The columns and JSON keys of Podman's everyday verbs (issue 17, part B):
// what Podman 4.3.1 prints (podman --root … VERB, and --format json), or
// where a verb needs a running container, what its man page documents.

// listOutputs are verbs whose default table and JSON podunit must share
// with Podman: header is the header line's columns, keys the JSON keys of
// one object (podunit may have more: Unit, Restarts). A nil field is not
// checked.
var listOutputs = []struct {
	args   []string
	header []string
	keys   []string
}{
	{[]string{"ps", "-a"}, []string{"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"},
		[]string{"AutoRemove", "Command", "Created", "CreatedAt", "ExitCode", "Exited", "ExitedAt", "Id", "Image",
			"ImageID", "IsInfra", "Labels", "Mounts", "Names", "Namespaces", "Networks", "Pid", "Pod", "PodName",
			"Ports", "Size", "StartedAt", "State", "Status"}},
	{[]string{"ps", "-a", "--pod"}, []string{"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES",
		"POD ID", "PODNAME"}, nil},
	{[]string{"images"}, []string{"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"},
		[]string{"Containers", "Created", "CreatedAt", "Digest", "History", "Id", "Labels", "Names", "ParentId",
			"RepoDigests", "RepoTags", "SharedSize", "Size", "VirtualSize"}},
	{[]string{"ps", "-a", "--size"}, []string{"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES",
		"SIZE"}, nil},
	{[]string{"ps", "--ns"}, []string{"CONTAINER ID", "NAMES", "PID", "CGROUPNS", "IPC", "MNT", "NET", "PIDNS", "USERNS",
		"UTS"}, nil},
	{[]string{"images", "-a", "--digests"}, []string{"REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE"}, nil},
	{[]string{"pod", "ps"}, []string{"POD ID", "NAME", "STATUS", "CREATED", "INFRA ID", "# OF CONTAINERS"},
		[]string{"Cgroup", "Containers", "Created", "Id", "InfraId", "Labels", "Name", "Namespace", "Networks", "Status"}},
	{[]string{"pod", "ps", "--ctr-ids", "--ctr-names", "--ctr-status"},
		[]string{"POD ID", "NAME", "STATUS", "CREATED", "INFRA ID", "IDS", "NAMES", "STATUS"}, nil},
	{[]string{"volume", "ls"}, []string{"DRIVER", "VOLUME NAME"},
		[]string{"CreatedAt", "Driver", "Labels", "MountCount", "Mountpoint", "Name", "NeedsChown", "NeedsCopyUp",
			"Options", "Scope"}},
	{[]string{"network", "ls"}, []string{"NETWORK ID", "NAME", "DRIVER"},
		[]string{"created", "dns_enabled", "driver", "id", "internal", "ipam_options", "ipv6_enabled", "name",
			"network_interface", "subnets"}},
	{[]string{"image", "history", "bb"}, []string{"ID", "CREATED", "CREATED BY", "SIZE", "COMMENT"},
		[]string{"Created", "CreatedBy", "comment", "created", "id", "size"}},
	{[]string{"secret", "ls"}, []string{"ID", "NAME", "DRIVER", "CREATED", "UPDATED"}, nil},
	{[]string{"top", "cols-run"}, []string{"USER", "PID", "PPID", "%CPU", "ELAPSED", "TTY", "TIME", "COMMAND"}, nil},
	{[]string{"stats", "--no-stream", "cols-run"}, []string{"ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %",
		"NET IO", "BLOCK IO", "PIDS", "CPU TIME", "AVG CPU %"},
		[]string{"avg_cpu", "block_io", "cpu_percent", "cpu_time", "id", "mem_percent", "mem_usage", "name", "net_io", "pids"}},
	{[]string{"pod", "stats", "--no-stream", "cols"}, []string{"POD", "CID", "NAME", "CPU %", "MEM USAGE/ LIMIT",
		"MEM %", "NET IO", "BLOCK IO", "PIDS"}, []string{"BlockIO", "CID", "CPU", "Mem", "MemUsage", "MemUsageBytes",
		"Name", "NetIO", "PIDS", "Pod"}},
	{[]string{"mount"}, nil, []string{"id", "mountpoint", "names"}},
}

// inspectKeys are the top-level keys of Podman's inspect objects.
var inspectKeys = []struct {
	args []string
	keys []string
}{
	{[]string{"volume", "inspect", "cols"}, []string{"CreatedAt", "Driver", "Labels", "MountCount", "Mountpoint",
		"Name", "NeedsChown", "NeedsCopyUp", "Options", "Scope"}},
	{[]string{"network", "inspect", "cols"}, []string{"created", "dns_enabled", "driver", "id", "internal",
		"ipam_options", "ipv6_enabled", "name", "network_interface", "subnets"}},
	{[]string{"secret", "inspect", "cols"}, []string{"CreatedAt", "ID", "Spec", "UpdatedAt"}},
	{[]string{"info"}, []string{"host", "plugins", "registries", "store", "version"}},
	{[]string{"version"}, []string{"Client"}},
	{[]string{"pod", "inspect", "cols"}, []string{"CgroupParent", "Containers", "CreateCgroup", "CreateInfra", "Created",
		"ExitPolicy", "Hostname", "Id", "Name", "NumContainers", "State"}},
	{[]string{"image", "inspect", "bb"}, []string{"Annotations", "Architecture", "Author", "Comment", "Config",
		"Created", "Digest", "GraphDriver", "History", "Id", "Labels", "ManifestType", "NamesHistory", "Os", "Parent",
		"RepoDigests", "RepoTags", "RootFS", "Size", "User", "Version", "VirtualSize"}},
	// Not yet: StaticDir (conmon's; podunit has the bundle under the run root).
	{[]string{"inspect", "cols-ctr"}, []string{"AppArmorProfile", "Args", "BoundingCaps", "Config", "ConmonPidFile",
		"Created", "Dependencies", "Driver", "EffectiveCaps", "ExecIDs", "GraphDriver", "HostnamePath", "HostsPath",
		"MountLabel", "PidFile", "ProcessLabel", "ResolvConfPath",
		"HostConfig", "Id", "Image", "ImageDigest", "ImageName", "IsInfra", "IsService", "Mounts", "Name", "Namespace",
		"NetworkSettings", "OCIRuntime", "Path", "Pod", "RestartCount", "Rootfs", "State"}},
}

// TestColumnsAndJSONKeysAsPodman runs each listing verb of the real
// binary (on the host, runc) and compares its header line and JSON keys
// with Podman's.
func TestColumnsAndJSONKeysAsPodman(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("volume", "create", "cols")
	e.must("network", "create", "cols")
	e.runIn(strings.NewReader("s3cret"), "secret", "create", "cols", "-")
	e.must("pod", "create", "--name", "cols")
	e.must("create", "--pod", "cols", "--name", "cols-ctr", "-v", "cols:/data", "bb", "true")
	e.must("mount", "cols-ctr")
	t.Cleanup(func() { e.run("unmount", "cols-ctr") })
	e.running("cols-run", "bb", "sleep", "600")
	for _, o := range listOutputs {
		name := strings.Join(o.args, " ")
		if o.header != nil {
			out := e.must(o.args...)
			if got := columns(out); !slices.Equal(got, o.header) {
				t.Errorf("%s: header %q, want Podman's %q", name, got, o.header)
			}
		}
		if o.keys != nil {
			checkKeys(t, name, e.must(append(o.args, "--format", "json")...), o.keys)
		}
	}
	for _, o := range inspectKeys {
		checkKeys(t, strings.Join(o.args, " "), e.must(append(o.args, "--format", "json")...), o.keys)
	}
	checkPsOrder(t, e)
	if got := strings.TrimSpace(e.must("stats", "--no-stream", "--no-trunc", "--format", "{{.ID}}", "cols-run")); len(got) != 64 {
		t.Errorf("stats --no-trunc ID %q", got)
	}
	// the types: full IDs, Unix seconds
	for _, f := range []struct{ args, tmpl, want string }{
		{"ps -a --filter name=cols-ctr", `{{range .}}{{len .Id}}{{end}}`, "64"},
		{"pod ps", `{{range .}}{{len .Id}}{{end}}`, "64"},
		{"images", `{{range .}}{{printf "%T" .Created}}{{end}}`, "float64"},
		{"pod stats --no-stream cols", `{{range .}}{{.Name}} {{.CPU}} {{.MemUsage}}{{end}}`, "cols-ctr -- -- / --"},
		{"inspect cols-run", `{{range .}}{{if .HostsPath}}{{if .PidFile}}{{.GraphDriver.Name}}{{end}}{{end}}{{end}}`, "overlay"},
		{"pod inspect cols", `{{range .}}{{range .Containers}}{{.Name}} {{.State}}{{end}}{{end}}`, "cols-ctr created"},
	} {
		var v any
		if err := json.Unmarshal([]byte(e.must(append(strings.Fields(f.args), "--format", "json")...)), &v); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := template.Must(template.New("").Parse(f.tmpl)).Execute(&b, v); err != nil || b.String() != f.want {
			t.Errorf("%s --format json: %s gives %q (%v), want %s", f.args, f.tmpl, b.String(), err, f.want)
		}
	}
	checkPodPsOrder(t, e)
}

// checkPodPsOrder: pod ps lists the newest pod first, --sort orders by a
// column, --latest keeps the newest.
func checkPodPsOrder(t *testing.T, e *env) {
	e.must("pod", "create", "--name", "cols-b")
	checkOrder(t, e, "{{.Name}}", []listOrder{
		{"pod ps", "cols-b cols"},
		{"pod ps --sort name", "cols cols-b"},
		{"pod ps --sort number", "cols-b cols"},
		{"pod ps -l", "cols-b"},
	})
}

// listOrder is a list command and the names it must print, in order.
type listOrder struct{ args, want string }

// checkOrder runs each command with the template field and compares.
func checkOrder(t *testing.T, e *env, field string, cases []listOrder) {
	t.Helper()
	for _, c := range cases {
		out := e.must(append(strings.Fields(c.args), "--format", field)...)
		if got := strings.Join(strings.Fields(out), " "); got != c.want {
			t.Errorf("%s: %q, want %q", c.args, got, c.want)
		}
	}
}

// checkKeys fails unless the first object of out (a JSON list or object)
// has every one of want's keys.
func checkKeys(t *testing.T, name, out string, want []string) {
	t.Helper()
	var obj map[string]json.RawMessage
	var list []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &list); err == nil {
		if len(list) == 0 {
			t.Errorf("%s --format json: an empty list, nothing to compare", name)
			return
		}
		obj = list[0]
	} else if err := json.Unmarshal([]byte(out), &obj); err != nil {
		t.Errorf("%s --format json: %v\n%s", name, err, out)
		return
	}
	var missing []string
	for _, k := range want {
		if _, ok := obj[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		var have []string
		for k := range obj {
			have = append(have, k)
		}
		sort.Strings(have)
		t.Errorf("%s --format json lacks Podman's keys %q; it has %q", name, missing, have)
	}
}

// checkPsOrder: ps lists oldest first, --sort orders by a column, --last N
// and --latest keep the N (1) last created, whatever their state.
func checkPsOrder(t *testing.T, e *env) {
	checkOrder(t, e, "{{.Names}}", []listOrder{
		{"ps -a", "cols-ctr cols-run"},
		{"ps -a --sort runningfor", "cols-run cols-ctr"},
		{"ps -a --sort names", "cols-ctr cols-run"},
		{"ps -n 1", "cols-run"},
		{"ps --last 2", "cols-ctr cols-run"},
		{"ps -l --pod", "cols-run"},
	})
	// the added columns have values in the default table too
	for _, c := range []struct{ args, want string }{
		{"ps -a --pod --filter name=cols-ctr", `\s[0-9a-f]{12}\s+cols\s*$`},
		{"ps -a --size --filter name=cols-ctr", `\s\d+(\.\d+)?[kM]?B \(virtual \d+(\.\d+)?[kM]?B\)\s*$`},
		{"ps --ns --filter name=cols-run", `cols-run\s+\d+(\s+\d{6,}){7}\s*$`},
	} {
		out := strings.TrimSpace(e.must(strings.Fields(c.args)...))
		if rows := strings.Split(out, "\n"); len(rows) != 2 || !regexp.MustCompile(c.want).MatchString(rows[1]) {
			t.Errorf("%s:\n%s", c.args, out)
		}
	}
	if r := e.run("ps", "--sort", "bogus"); r.code != 125 || !strings.Contains(r.err, `--sort "bogus"`) {
		t.Errorf("ps --sort bogus: exit %d, %q", r.code, r.err)
	}
}
