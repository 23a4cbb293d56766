package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/podunit/podunit/test/harness"
	"github.com/podunit/podunit/test/testimage"
)

// health2File is a .container with a startup check, health log settings
// and a secret given through PodmanArgs=.
func health2File(logDir string) string {
	return fmt.Sprintf(`[Container]
Image=bb
ContainerName=hq
PodmanArgs=--secret tok
HealthCmd=echo 0123456789; test -e /tmp/ok
HealthInterval=1s
HealthStartupCmd=test -e /tmp/ready
HealthStartupInterval=1s
HealthStartupSuccess=2
HealthMaxLogCount=3
HealthMaxLogSize=5
HealthLogDestination=%s
Exec=sh -c "cat /run/secrets/tok > /tmp/tok; touch /tmp/ok; sleep 3; touch /tmp/ready; exec sleep 600"
StopSignal=KILL
`, logDir)
}

// healthTemplateFile is a template .container with a check: its instances
// run their checks from instances of the generated template timer.
const healthTemplateFile = `[Container]
Image=bb
HealthCmd=true
HealthInterval=1s
Exec=sleep 600
StopSignal=KILL
`

// imageCheckFile is a .container whose check is its image's (localhost/
// hc:1, made by checkImageHealthcheck), at the interval the file gives.
const imageCheckFile = `[Container]
Image=localhost/hc:1
HealthInterval=1s
Exec=sh -c "touch /tmp/ok; exec sleep 600"
StopSignal=KILL
`

// TestBootHealthStartupAndImageCheck: a unit file's startup check runs
// from its own generated timer and holds the status at starting (though the regular
// check would pass) until it passed twice, then the regular timer takes
// over; the log keeps 3 results of 5 bytes and is also written to the
// directory; PodmanArgs=--secret reaches the container. The image's
// HEALTHCHECK is used without --health-cmd and not with --no-healthcheck,
// and a unit file's image check and a template's check run from their
// generated timers (the template's an instance of a template); startup
// retries restart the unit; generate --new writes the flags back.
func TestBootHealthStartupAndImageCheck(t *testing.T) {
	// not parallel: health status read 2 s before it changes
	opts, host, sources := bootEnv(t)
	logDir := filepath.Join(host.dir, "hclog")
	if err := os.Mkdir(logDir, 0o755); err != nil {
		t.Fatal(err)
	}
	replaceSources(t, sources, map[string]string{"hq.container": health2File(logDir),
		"ht@.container": healthTemplateFile, "hi.container": imageCheckFile})
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "hq.service", "podunit-sr.service")
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	if r := e.env().runIn(strings.NewReader(secretValue), "secret", "create", "tok", "-"); r.code != 0 {
		t.Fatalf("secret create: %+v", r)
	}
	e.sh("mount --make-shared /run")                              // credentials need /run to propagate (see TestSecretsUnderSystemd)
	sb.Run(t, "systemctl", "start", "hq.service", "ht@a.service") // ht@a is checked by checkImageHealthcheck
	id := e.field("hq", "{{.Id}}")
	active := func(unit string) string { return strings.TrimSpace(e.sh("systemctl is-active " + unit + " || true")) }
	eventually(t, 10*time.Second, "the generated startup timer to run", func() bool {
		return active("hq-healthcheck-startup.timer") == "active"
	})
	time.Sleep(2 * time.Second) // /tmp/ok exists: only the startup check keeps it starting
	if got := e.field("hq", "{{.State.Health.Status}}"); got != "starting" {
		t.Errorf("before the startup check passed the status is %q", got)
	}
	eventually(t, 30*time.Second, "the regular check after the startup check", func() bool {
		return e.field("hq", "{{.State.Health.Status}}") == "healthy"
	})
	eventually(t, 10*time.Second, "the startup timer to hand over to the regular one", func() bool {
		return active("hq-healthcheck-startup.timer") != "active" && active("hq-healthcheck.timer") == "active"
	})
	if got := strings.TrimSpace(e.sh("systemctl list-units --all --no-legend 'podunit-health*" + id + "*'")); got != "" {
		t.Errorf("transient check timers run besides the generated ones:\n%s", got)
	}
	eventually(t, 10*time.Second, "three results kept", func() bool {
		return e.field("hq", "{{len .State.Health.Log}}") == "3"
	})
	if got := e.field("hq", "{{range .State.Health.Log}}{{.Output}}|{{end}}"); !strings.Contains(got, "01234|") || strings.Contains(got, "012345") {
		t.Errorf("outputs %q, want 5 bytes each", got)
	}
	if data, err := os.ReadFile(filepath.Join(logDir, id+"-healthcheck.log")); err != nil || !strings.Contains(string(data), "healthy") {
		t.Errorf("the health log directory's file: %q, %v", data, err)
	}
	want := "2 3 5 " + logDir
	if got := e.field("hq", "{{.Config.StartupHealthCheck.Successes}} {{.Config.HealthMaxLogCount}} {{.Config.HealthMaxLogSize}} {{.Config.HealthLogDestination}}"); got != want {
		t.Errorf("inspect: %q, want %q", got, want)
	}
	if got := e.must("exec", "hq", "cat", "/tmp/tok"); got != secretValue {
		t.Errorf("PodmanArgs=--secret: the container read %q", got)
	}
	sb.Run(t, "systemctl", "stop", "hq.service")
	checkImageHealthcheck(t, e, host.dir)
	checkStartupRetries(t, e)
}

// checkImageHealthcheck: an image's HEALTHCHECK is the check of a
// container made without --health-cmd, none with --no-healthcheck; a unit
// file's image check (hi) and a template's instance (ht@a, started with
// hq) run theirs from their generated timers.
func checkImageHealthcheck(t *testing.T, e *defaultEnv, dir string) {
	archive := filepath.Join(dir, "hc.tar")
	hc := &v1.HealthConfig{Test: []string{"CMD-SHELL", "test -e /tmp/ok"}, Interval: time.Second, Retries: 2}
	if err := testimage.DockerArchive(archive, "localhost/hc:1", testimage.Config{Healthcheck: hc}); err != nil {
		t.Fatal(err)
	}
	e.must("load", "-q", "-i", archive)
	e.sb.Run(t, "systemctl", "start", "--no-block", "hi.service") // checked below, while the rest runs
	e.must("run", "-d", "--name", "img", "hc:1", "sh", "-c", "touch /tmp/ok; exec sleep 600")
	if got := e.field("img", "{{.Config.Healthcheck.Test}} {{.Config.Healthcheck.Interval}} {{.Config.Healthcheck.Retries}}"); got != "[CMD-SHELL test -e /tmp/ok] 1000000000 2" {
		t.Errorf("the image's check: %q", got)
	}
	eventually(t, 15*time.Second, "the image's check to pass", func() bool {
		return e.field("img", "{{.State.Health.Status}}") == "healthy"
	})
	checkGeneratedTimerUnit(t, e, "hi-healthcheck.timer", "hi-healthcheck.timer", "systemd-hi")
	checkGeneratedTimerUnit(t, e, "ht-healthcheck@a.timer", "ht-healthcheck@.timer", "systemd-ht_a")
	e.sb.Run(t, "systemctl", "stop", "hi.service", "ht@a.service")
	e.must("create", "--name", "noimg", "--no-healthcheck", "hc:1", "true")
	if got := e.field("noimg", "{{.Config.Healthcheck.Test}}"); got != "[NONE]" {
		t.Errorf("--no-healthcheck: inspect shows the check %q, want Podman's [NONE]", got)
	}
	if got := e.must("inspect", "noimg"); strings.Contains(got, `"Health":`) {
		t.Errorf("--no-healthcheck: the container has a health state:\n%s", got)
	}
	e.must("rm", "-f", "img", "noimg")
}

// checkStartupRetries: a startup check that keeps failing restarts the
// unit; generate --new writes the startup flags back.
func checkStartupRetries(t *testing.T, e *defaultEnv) {
	e.must("run", "-d", "--name", "sr", "--health-cmd", "true", "--health-startup-cmd", "false",
		"--health-startup-interval", "1s", "--health-startup-retries", "2", "bb", "sleep", "600")
	eventually(t, 30*time.Second, "the failing startup check to restart the unit", func() bool {
		return strings.TrimSpace(e.sh("systemctl show -P NRestarts podunit-sr.service")) >= "1"
	})
	out := e.must("generate", "systemd", "--new", "sr")
	if !strings.Contains(out, "--health-startup-cmd false --health-startup-interval 1s --health-startup-retries 2") {
		t.Errorf("generate --new lacks the startup check:\n%s", out)
	}
	e.must("rm", "-f", "sr")
}
