package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// kubeRoundTripMembers are the members of TestKubeGenerateRoundTrip's pod:
// create flags Kubernetes YAML can carry, each with a value other than its
// default ({dir} is a directory of the test's).
var kubeRoundTripMembers = [][]string{
	{"--name", "rt-prep", "--init-ctr", "once", "--stop-timeout", "5", "bb", "true"}, // the pod's one grace period
	{"--name", "rt-web", "-e", "GREETING=hi there", "-w", "/srv", "-u", "1000:1000", "--read-only",
		"--cap-add", "NET_ADMIN", "--cap-drop", "MKNOD", "--memory", "64m", "--cpus", "1.5",
		"--memory-reservation", "32m", "--cpu-shares", "512", "--restart", "on-failure", "--stop-timeout", "5",
		"-v", "{dir}/data:/data:ro", "-v", "rtvol:/vol", "--entrypoint", `["sh","-c"]`, "bb", "sleep 600"},
	{"--name", "rt-side", "--privileged", "--restart", "on-failure", "--stop-timeout", "5", "-v", "rtvol:/shared", "bb", "sleep", "600"},
}

// TestKubeGenerateRoundTrip: a pod made by the CLI, written by generate
// kube, removed and played back (not started) is the same pod: pod inspect
// and every member's inspect agree but for IDs and times. On the host: no
// systemd is needed to create.
func TestKubeGenerateRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	if err := os.MkdirAll(filepath.Join(e.dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	e.must("pod", "create", "--name", "rt", "--label", "tier=web", "--hostname", "rthost", "--memory", "256m", "--cpus", "2",
		"--pid", "host", "--ipc", "host")
	for _, m := range kubeRoundTripMembers {
		args := []string{"create", "--pod", "rt"}
		for _, a := range m {
			args = append(args, strings.ReplaceAll(a, "{dir}", e.dir))
		}
		e.must(args...)
	}
	before := kubeInspect(e)
	yaml := filepath.Join(e.dir, "rt.yaml")
	e.must("generate", "kube", "-f", yaml, "rt")
	e.must("pod", "rm", "-f", "rt")
	if out := e.must("kube", "play", "--start=false", yaml); !strings.HasPrefix(out, "Pod:\n") {
		t.Fatalf("kube play printed %q", out)
	}
	after := kubeInspect(e)
	// a member's host name is its short ID; the pod's Containers list IDs
	ignore := append([]string{"Config.Hostname", "Pod", "Containers"}, volatileInspect...)
	for name, b := range before {
		a, ok := after[name]
		if !ok {
			t.Errorf("%s is not there after the round trip", name)
			continue
		}
		if d := inspectDiff(t, b, a, ignore); len(d) > 0 {
			data, _ := os.ReadFile(yaml)
			t.Errorf("%s differs after generate kube + kube play:\n%s\nYAML:\n%s", name, strings.Join(d, "\n"), data)
		}
	}
	id := e.must("pod", "inspect", "--format", "{{.ID}}", "rt")
	if r := e.run("kube", "play", "--start=false", yaml); r.code != 125 || !strings.Contains(r.err, `pod "rt" exists`) {
		t.Errorf("play over an existing pod: exit %d, %q", r.code, r.err)
	}
	e.must("kube", "play", "--replace", "--start=false", yaml)
	if again := e.must("pod", "inspect", "--format", "{{.ID}}", "rt"); again == id {
		t.Errorf("kube play --replace kept pod %s", id)
	}
	e.must("kube", "down", yaml)
	if e.run("pod", "exists", "rt").code != 1 || e.must("volume", "ls", "-q") != "rtvol\n" {
		t.Errorf("after kube down: pods %q, volumes %q (want none, and the claim's volume kept)", e.must("pod", "ps", "-q"), e.must("volume", "ls", "-q"))
	}
}

// kubeInspect is pod rt's and its members' inspect JSON by name.
func kubeInspect(e *env) map[string]string {
	out := map[string]string{"pod rt": e.must("pod", "inspect", "rt")}
	for _, m := range []string{"rt-prep", "rt-web", "rt-side"} {
		out[m] = e.must("inspect", m)
	}
	return out
}
