package e2e

import (
	"context"
	"encoding/json"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestContainerVerbsOnHost covers create, start -a, exec, wait, inspect,
// ps filters and flags on the host with runc.
func TestContainerVerbsOnHost(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	bind := e.dir + "/bind"
	e.sh("mkdir -p " + bind + " && echo from-host > " + bind + "/f")
	e.sh("printf 'FROM_FILE=1\\n# comment\\n\\nSHARED=file\\n' > " + e.dir + "/env")
	id := strings.TrimSpace(e.must("create", "--name", "c1", "-e", "A=1", "--env-file", e.dir+"/env",
		"-e", "SHARED=flag", "-l", "tier=web", "-l", "team=x", "-v", bind+":/data:ro", "--tmpfs", "/scratch",
		"-w", "/data", "-u", "app", "-h", "box", "bb", "sh", "-c",
		`echo "$A $FROM_FILE $SHARED $(id -u) $(hostname) $(pwd) $(cat f)"; touch /data/x 2>/dev/null && echo rw || echo ro; mount | grep -c " /scratch "`))
	if got := e.field("c1", "{{.State.Status}}"); got != "created" {
		t.Fatalf("after create: %s", got)
	}
	out := e.must("start", "-a", "c1")
	if want := "1 1 flag 1000 box /data from-host\nro\n1\n"; out != want {
		t.Fatalf("start -a printed %q, want %q", out, want)
	}
	if got := e.must("wait", "c1"); got != "0\n" {
		t.Errorf("wait: %q", got)
	}
	if got := e.field(id[:12], "{{.Config.Labels.tier}} {{.Name}}"); got != "web c1" {
		t.Errorf("inspect by short ID: %q", got)
	}
	t.Run("ps filters", func(t *testing.T) {
		e := e.on(t)
		e.must("create", "--name", "c2", "-l", "tier=db", "bb", "true")
		cases := map[string]string{
			"label=tier=web": "c1",
			"label=tier":     "c1 c2",
			"name=^c2$":      "c2",
			"status=created": "c2",
			"status=exited":  "c1",
		}
		for f, want := range cases {
			got := strings.Join(strings.Fields(e.must("ps", "-a", "--filter", f, "--format", "{{.Names}}")), " ")
			if got != want {
				t.Errorf("ps --filter %s: %q, want %q", f, got, want)
			}
		}
		checkPsAndInspectFormats(t, e, id)
		if got := e.must("ps", "--format", "json"); strings.TrimSpace(got) != "[]" {
			t.Errorf("ps --format json with nothing running: %q", got)
		}
		hdr := strings.SplitN(e.must("ps", "-a"), "\n", 2)[0]
		if !regexp.MustCompile(`^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$`).MatchString(hdr) {
			t.Errorf("ps header: %q", hdr)
		}
	})
	t.Run("exec", func(t *testing.T) { checkExec(t, e) })
}

// checkPsAndInspectFormats: ps's JSON has Podman's keys with full IDs,
// templates use Podman's names (inspect's are its JSON keys), IMAGE is the
// image's full name, and a template that fails prints no half table.
func checkPsAndInspectFormats(t *testing.T, e *env, id string) {
	if got := e.field("c1", "{{.Id}}"); got != id {
		t.Errorf("inspect --format {{.Id}}: %q, want %q", got, id)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(e.must("ps", "-a", "--format", "json")), &list); err != nil || len(list) != 2 {
		t.Fatalf("ps --format json: %v, %d entries", err, len(list))
	}
	for _, k := range []string{"Id", "Names", "Image", "ImageID", "Command", "Created", "State", "Status", "Pod", "PodName", "Ports", "Labels", "Exited", "ExitCode"} {
		if _, ok := list[0][k]; !ok {
			t.Errorf("ps --format json lacks %q: %v", k, list[0])
		}
	}
	if got := list[0]["Id"].(string); len(got) != 64 {
		t.Errorf("ps --format json Id %q is not the full ID", got)
	}
	if got := e.must("ps", "-a", "--filter", "name=^c1$", "--format", "{{.Image}}|{{.Pod}}|{{.PodName}}"); got != "localhost/bb:latest||\n" {
		t.Errorf("ps IMAGE and POD: %q", got)
	}
	r := e.run("ps", "-a", "--format", `table {{.Names}}\t{{if eq .Names "c2"}}{{.Nope}}{{end}}`)
	if r.code != 125 || r.out != "" || strings.Contains(r.err, "main.") {
		t.Errorf("failing template: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
}

func checkExec(t *testing.T, e *env) {
	e = e.on(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := e.command(ctx, "run", "--name", "long", "bb", "sleep", "600")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Wait() }()
	eventually(t, 20*time.Second, "long running", func() bool {
		return e.run("inspect", "--format", "{{.State.Status}}", "long").out == "running\n"
	})
	out := e.must("exec", "-e", "X=42", "-w", "/tmp", "-u", "app", "long", "sh", "-c", `echo "$X $(pwd) $(id -u)"`)
	if out != "42 /tmp 1000\n" {
		t.Errorf("exec printed %q", out)
	}
	if r := e.run("exec", "long", "sh", "-c", "exit 5"); r.code != 5 {
		t.Errorf("exec exit 5: got %d", r.code)
	}
	if r := e.run("exec", "long", "no-such-command"); r.code != 127 {
		t.Errorf("exec of a missing command: exit %d (%s)", r.code, r.err)
	}
	e.must("stop", "-t", "0", "long")
	if err := cmd.Wait(); err == nil {
		t.Errorf("attached run of a stopped container exited 0")
	} else if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 137 {
		t.Errorf("attached run after stop -t 0: %v", err)
	}
	if r := e.run("exec", "long", "true"); r.code != 125 {
		t.Errorf("exec in a stopped container: exit %d", r.code)
	}
}
