package e2e

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// roundTripFlags are the create flags of TestGenerateNewRoundTrip, one
// flag (with its value) per entry. A new create flag belongs here, with a
// value other than its default; {dir} is a directory of the test's.
var roundTripFlags = [][]string{
	{"--name", "rt"}, {"--rm"},
	{"-e", "GREETING=50% off $now"}, {"--env-file", "{dir}/rt.env"},
	{"-l", "tier=web"}, {"--label-file", "{dir}/rt.labels"},
	{"-v", "{dir}/data:/data:ro"}, {"-v", "rtvol:/vol:nocopy"},
	{"--mount", "type=bind,source={dir}/data,target=/mnt/data,bind-propagation=rslave"},
	{"--tmpfs", "/scratch:size=1m"},
	{"-w", "/data"}, {"-u", "1000:1000"}, {"-h", "rt.example"}, {"--entrypoint", "/bin/sh"},
	{"--read-only"}, {"--cap-add", "NET_ADMIN"}, {"--cap-drop", "MKNOD"},
	{"--stop-signal", "int"}, {"--stop-timeout", "3"},
	{"--annotation", "org.example.k=v"}, {"--tz", "UTC"}, {"--expose", "81/udp"}, {"--log-opt", "tag=rtlog"},
	{"--log-driver", "journald"}, {"--http-proxy=false"}, {"--hostuser", "daemon"},
	{"--network", "rtnet:ip=10.89.77.5"}, {"--network-alias", "www"}, {"--mac-address", "02:42:0a:59:4d:05"},
	{"--network", "rtnet2:alias=back"}, {"-p", "127.0.0.1:18080:80"},
	{"--dns", "10.0.0.1"}, {"--dns-search", "example.com"}, {"--dns-option", "ndots:2"}, {"--add-host", "db:10.0.0.9"},
	{"--decryption-key", "{dir}/rt.pem"}, // read only when the image is pulled
	{"--health-cmd", "true"}, {"--health-interval", "disable"}, {"--health-startup-cmd", "true"}, {"--health-startup-success", "2"}, {"--health-max-log-count", "7"}, {"--health-log-destination", "events_logger"},
}

// roundTripArgs is roundTripFlags with {dir} filled in, and the files and
// directories they name made.
func roundTripArgs(t *testing.T, dir string) []string {
	t.Helper()
	for path, data := range map[string]string{"rt.env": "FROM_FILE=1\n", "rt.labels": "from=file\n", "data/x": "x\n"} {
		p := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var args []string
	for _, f := range roundTripFlags {
		for _, w := range f {
			args = append(args, strings.ReplaceAll(w, "{dir}", dir))
		}
	}
	return args
}

// TestGenerateNewRoundTrip creates a container with every flag of
// roundTripFlags, writes its unit with generate systemd --new, starts the
// unit under systemd and requires inspect of the container the unit made
// to equal the original's in every field but identity, times and state.
func TestGenerateNewRoundTrip(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{Net: true})
	for _, rt := range []string{"crun", "runc"} {
		t.Run(rt, func(t *testing.T) {
			e := newEnv(t, sb, rt)
			roundTrip(t, e)
			t.Run("run -d log drivers", func(t *testing.T) { checkLogDrivers(t, e.on(t)) })
		})
	}
}

// checkLogDrivers runs transient units with each log driver: none keeps
// nothing (and logs refuses), passthrough and journald keep both streams,
// tag= names them.
func checkLogDrivers(t *testing.T, e *env) {
	script := "echo out-$0; echo err-$0 >&2; exec sleep 600"
	for _, c := range [][]string{{"none", "--log-driver", "none"}, {"pass", "--log-driver", "passthrough"}, {"tagged", "--log-opt", "tag=tagged-log"}} {
		e.must(append(append([]string{"run", "-d", "--name", "ld-" + c[0]}, c[1:]...), "bb", "sh", "-c", script, c[0])...)
	}
	journal := func(args ...string) string {
		out, _, _, _ := e.sb.Exec("journalctl", append(args, "-o", "cat", "--no-pager")...)
		return out
	}
	eventually(t, 10*time.Second, "passthrough and tagged output", func() bool {
		p, tg := journal("-u", "podunit-ld-pass.service"), journal("-t", "tagged-log")
		return strings.Contains(p, "out-pass") && strings.Contains(p, "err-pass") && strings.Contains(tg, "out-tagged") && strings.Contains(tg, "err-tagged")
	})
	if r := e.run("logs", "ld-pass"); !strings.Contains(r.out+r.err, "out-pass") {
		t.Errorf("logs of a passthrough container: %q %q", r.out, r.err)
	}
	if out := journal("-u", "podunit-ld-none.service"); strings.Contains(out, "out-none") || strings.Contains(out, "err-none") {
		t.Errorf("the none log driver kept output:\n%s", out)
	}
	if r := e.run("logs", "ld-none"); r.code != 125 || !strings.Contains(r.err, "none log driver") {
		t.Errorf("logs of a none container: exit %d, %q", r.code, r.err)
	}
	for _, n := range []string{"ld-none", "ld-pass", "ld-tagged"} {
		e.must("rm", "-f", "-t", "0", n)
	}
}

func roundTrip(t *testing.T, e *env) {
	e.image()
	unit := "container-rt.service"
	e.sb.DumpOnFailure(t, unit)
	e.must("network", "create", "--subnet", "10.89.77.0/24", "rtnet")
	e.must("network", "create", "rtnet2")
	e.must("volume", "create", "rtvol")
	args := roundTripArgs(t, e.dir)
	e.must(append(append([]string{"create"}, args...), "bb", "-c", "echo rt-up; exec sleep 600")...)
	before := e.must("inspect", "rt")
	units := splitUnits(t, e.must("generate", "systemd", "--new", "rt"))
	if _, ok := units[unit]; !ok || len(units) != 3 { // with the startup check's timer and service
		t.Fatalf("generate systemd --new rt printed units %v, want %s and its startup check's pair", slices.Sorted(maps.Keys(units)), unit)
	}
	for name, text := range units {
		if err := os.WriteFile(filepath.Join(e.dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		e.sh("cp " + filepath.Join(e.dir, name) + " /etc/systemd/system/")
	}
	e.sh("systemctl daemon-reload")
	t.Cleanup(func() { e.sb.Exec("systemctl", "stop", unit) })
	e.sb.Run(t, "systemctl", "start", unit)
	e.sb.WaitActive(t, unit, "active", 20*time.Second)
	after := e.must("inspect", "rt")
	if diffs := inspectDiff(t, before, after, volatileInspect); len(diffs) > 0 {
		t.Errorf("%d flags given; inspect differs after generate systemd --new:\n%s\nunit:\n%s",
			len(roundTripFlags), strings.Join(diffs, "\n"), units[unit])
	}
	if got := e.field("rt", "{{.OCIRuntime}}"); got != e.runtime {
		t.Errorf("the unit's container runs on %s, want %s", got, e.runtime)
	}
	checkMetaInUnit(t, e)
	e.sb.Run(t, "systemctl", "stop", unit)
	e.must("network", "rm", "rtnet", "rtnet2")
}

// checkMetaInUnit reads the metadata flags' effects in the running
// container the unit made.
func checkMetaInUnit(t *testing.T, e *env) {
	id := e.field("rt", "{{.Id}}")
	config := e.sh("cat " + filepath.Join(e.runDir(), "podunit", "containers", id, "config.json"))
	var oci struct{ Annotations map[string]string }
	if err := json.Unmarshal([]byte(config), &oci); err != nil || oci.Annotations["org.example.k"] != "v" {
		t.Errorf("the annotation is not in the OCI spec (%v):\n%.2000s", err, config)
	}
	host, err := os.ReadFile("/usr/share/zoneinfo/UTC")
	if zone := e.must("exec", "rt", "cat", "/etc/localtime"); err != nil || zone != string(host) {
		t.Errorf("--tz UTC: /etc/localtime is not the zone's file (%d bytes, the zone's %d, %v)", len(zone), len(host), err)
	}
	if r := e.run("exec", "rt", "touch", "/etc/localtime"); r.code == 0 {
		t.Error("/etc/localtime is writable")
	}
	pid := e.field("rt", "{{.State.Pid}}") // this run's lines, not an earlier runtime's
	eventually(t, 10*time.Second, "output under the tag in the journal", func() bool {
		out, _, _, _ := e.sb.Exec("journalctl", "-t", "rtlog", "_PID="+pid, "-o", "cat", "--no-pager")
		return strings.Contains(out, "rt-up")
	})
}

// splitUnits cuts generate systemd's standard output into its units by
// their headers: "# NAME", then the generated-by line.
func splitUnits(t *testing.T, text string) map[string]string {
	t.Helper()
	lines := strings.SplitAfter(text, "\n")
	units := map[string]string{}
	name := ""
	for i, line := range lines {
		if n, ok := strings.CutPrefix(line, "# "); ok && i+1 < len(lines) && lines[i+1] == "# generated by podunit generate systemd\n" {
			name = strings.TrimSpace(n)
		}
		if name == "" {
			t.Fatalf("generate systemd's output does not begin with a unit's header:\n%s", text)
		}
		units[name] += line
	}
	return units
}
