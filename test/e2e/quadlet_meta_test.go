package e2e

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// metaFiles are .container sources with the environment and metadata keys:
// one on crun, one on runc (GlobalArgs=--runtime runc).
var metaFiles = map[string]string{
	"meta.container": `[Container]
Image=bb
ContainerName=meta
Annotation=org.example.k=v "org.example.note=two words"
Timezone=UTC
ExposeHostPort=81
LogOpt=tag=metalog
ReloadSignal=HUP
HttpProxy=false
Pull=never
Exec=sh -c "trap 'echo got-hup' HUP; echo meta-up; while true; do sleep 1; done"
StopSignal=KILL
`,
	"rld.container": `[Container]
Image=bb
ContainerName=rld
GlobalArgs=--runtime runc
LogDriver=passthrough
Entrypoint=
ReloadCmd=/bin/sh -c "echo reloaded > /tmp/r"
Exec=/bin/sh -c "echo rld-up; exec sleep 600"
StopSignal=KILL
`,
}

// TestBootMetaKeys boots with sources using the metadata keys and reads
// their effects: ExecReload= (systemctl reload) signals or runs a command,
// the zone, the annotation and the log tag, with crun and runc.
func TestBootMetaKeys(t *testing.T) {
	t.Parallel()
	opts, host, sources := bootEnv(t)
	replaceSources(t, sources, metaFiles)
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "meta.service", "rld.service")
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	sb.Run(t, "systemctl", "start", "meta.service", "rld.service")
	sb.WaitActive(t, "meta.service", "active", 30*time.Second)
	sb.WaitActive(t, "rld.service", "active", 30*time.Second)
	journal := func(args ...string) string {
		out, _, _, _ := sb.Exec("journalctl", append(args, "-o", "cat", "--no-pager")...)
		return out
	}
	eventually(t, 10*time.Second, "meta's output under its tag", func() bool { return strings.Contains(journal("-t", "metalog"), "meta-up") })
	sb.Run(t, "systemctl", "reload", "meta.service")
	eventually(t, 10*time.Second, "ReloadSignal=HUP to reach the container", func() bool { return strings.Contains(journal("-t", "metalog"), "got-hup") })
	sb.Run(t, "systemctl", "reload", "rld.service")
	if got := e.must("exec", "rld", "cat", "/tmp/r"); got != "reloaded\n" {
		t.Errorf("ReloadCmd= did not run in the container: %q", got)
	}
	if !strings.Contains(journal("-u", "rld.service"), "rld-up") {
		t.Errorf("LogDriver=passthrough: no output in the unit's journal")
	}
	for name, want := range map[string]string{
		"meta": "crun map[org.example.k:v org.example.note:two words] UTC map[81/tcp:map[]] journald metalog",
		"rld":  "runc map[]  map[] passthrough",
	} {
		got := e.field(name, "{{.OCIRuntime}} {{.Config.Annotations}} {{.Config.Timezone}} {{.Config.ExposedPorts}} {{.HostConfig.LogConfig.Type}} {{.HostConfig.LogConfig.Tag}}")
		if got != want {
			t.Errorf("inspect %s: %q, want %q", name, got, want)
		}
	}
	if got := e.field("rld", "{{.Path}} {{.Args}}"); got != "/bin/sh [-c echo rld-up; exec sleep 600]" {
		t.Errorf("Entrypoint= (empty): %q, want no entrypoint", got)
	}
	zone, err := os.ReadFile("/usr/share/zoneinfo/UTC")
	if got := e.must("exec", "meta", "cat", "/etc/localtime"); err != nil || got != string(zone) {
		t.Errorf("Timezone=UTC: /etc/localtime is not the zone's file (%v)", err)
	}
	sb.Run(t, "systemctl", "stop", "meta.service", "rld.service")
}
