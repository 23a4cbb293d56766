package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMetaOnHost runs the environment and metadata flags with runc on the
// host: their effects inside the container and in inspect, and their bad
// values refused with nothing created.
func TestMetaOnHost(t *testing.T) {
	// not parallel: t.Setenv in a subtest
	e := newEnv(t, nil, "runc")
	e.image()
	t.Run("tz, env-host, http-proxy", func(t *testing.T) {
		e := e.on(t)
		host, err := os.ReadFile("/usr/share/zoneinfo/Asia/Tokyo")
		if err != nil {
			t.Fatal(err)
		}
		if out := e.must("run", "--rm", "--tz", "Asia/Tokyo", "bb", "cat", "/etc/localtime"); out != string(host) {
			t.Errorf("--tz Asia/Tokyo: /etc/localtime has %d bytes, not the zone's %d", len(out), len(host))
		}
		if r := e.run("run", "--rm", "bb", "ls", "/etc/localtime"); r.code == 0 {
			t.Errorf("without --tz the test image has an /etc/localtime: the check above proves nothing")
		}
		t.Setenv("http_proxy", "http://proxy.example:3128")
		t.Setenv("PODUNIT_META_TEST", "from-host")
		env := e.must("run", "--rm", "bb", "env")
		if !strings.Contains(env, "http_proxy=http://proxy.example:3128\n") || strings.Contains(env, "PODUNIT_META_TEST") {
			t.Errorf("default: the proxy passes, the rest does not:\n%s", env)
		}
		if env := e.must("run", "--rm", "--http-proxy=false", "bb", "env"); strings.Contains(env, "http_proxy") {
			t.Errorf("--http-proxy=false passed the proxy:\n%s", env)
		}
		if env := e.must("run", "--rm", "--env-host", "-e", "PODUNIT_META_TEST=flag", "bb", "env"); !strings.Contains(env, "PODUNIT_META_TEST=flag\n") {
			t.Errorf("--env-host with -e: -e must win:\n%s", env)
		}
		if got := e.must("run", "--rm", "--hostuser", "daemon", "-u", "daemon", "bb", "id", "-un"); got != "daemon\n" {
			t.Errorf("--hostuser daemon -u daemon: id -un printed %q", got)
		}
		// the test image has no environment of its own: its variables expand to ""
		if got := e.must("run", "--rm", "--env-merge", "MERGED=a${PATH}b", "bb", "sh", "-c", "echo $MERGED"); got != "ab\n" {
			t.Errorf("--env-merge MERGED=a${PATH}b: %q, want ab (the image has no PATH)", got)
		}
	})
	t.Run("inspect shows annotations, exposed ports, log config", func(t *testing.T) {
		e := e.on(t)
		e.must("create", "--name", "meta", "--annotation", "a.b/c=d", "--expose", "8000-8001", "--log-driver", "none",
			"--tz", "local", "bb", "true")
		got := e.field("meta", "{{.Config.Annotations}} {{.Config.ExposedPorts}} {{.HostConfig.LogConfig.Type}} {{.Config.Timezone}} {{.HostConfig.NetworkMode}}")
		if want := "map[a.b/c:d] map[8000/tcp:map[] 8001/tcp:map[]] none local none"; got != want {
			t.Errorf("inspect: %q, want %q", got, want)
		}
		e.must("start", "-a", "meta")
		if r := e.run("logs", "meta"); r.code != 125 || !strings.Contains(r.err, "none log driver") {
			t.Errorf("logs of a none container: exit %d, %q", r.code, r.err)
		}
		e.must("rm", "meta")
	})
	t.Run("--module loads a containers.conf module", func(t *testing.T) {
		e := e.on(t)
		mod := filepath.Join(e.dir, "hostnet.conf")
		if err := os.WriteFile(mod, []byte("[containers]\nnetns = \"host\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		e.must("--module", mod, "create", "--name", "modnet", "bb", "true")
		if got := e.field("modnet", "{{.HostConfig.NetworkMode}}"); got != "host" {
			t.Errorf("the module's netns: NetworkMode %q, want host", got)
		}
		e.must("rm", "modnet")
		r := e.run("--module", "no-such-module.conf", "create", "--name", "modnet", "bb", "true")
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: --module \"no-such-module.conf\"") {
			t.Errorf("a missing module: exit %d, %q", r.code, r.err)
		}
		// [engine] env reaches podunit's own environment, which --env-host passes on
		envMod, broken := filepath.Join(e.dir, "env.conf"), filepath.Join(e.dir, "broken.conf")
		fixtureDir(t, e.dir, map[string]string{"env.conf": "[engine]\nenv = [\"PODUNIT_MODENV=from-module\"]\n", "broken.conf": "[engine\n"})
		e.must("--module", envMod, "create", "--name", "modenv", "--env-host", "bb", "true")
		if got := e.field("modenv", "{{.Config.Env}}"); !strings.Contains(got, "PODUNIT_MODENV=from-module") {
			t.Errorf("the module's [engine] env with --env-host: Env %s", got)
		}
		e.must("rm", "modenv")
		r = e.run("--module", broken, "create", "--name", "modbad", "bb", "true")
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: containers.conf "+broken) || e.run("container", "exists", "modbad").code == 0 {
			t.Errorf("a malformed module: exit %d, %q (or modbad was created)", r.code, r.err)
		}
	})
	t.Run("generate --new names a joined container's network by its name", func(t *testing.T) {
		e := e.on(t)
		e.must("create", "--name", "netowner", "bb", "true")
		e.must("create", "--name", "joiner", "--network", "container:netowner", "bb", "true")
		if got := e.field("joiner", "{{.HostConfig.NetworkMode}}"); !strings.HasPrefix(got, "container:"+e.field("netowner", "{{.Id}}")) {
			t.Errorf("NetworkMode %q, want the owner's ID", got)
		}
		if unit := e.must("generate", "systemd", "--new", "joiner"); !strings.Contains(unit, " --network container:netowner ") {
			t.Errorf("the unit does not join the owner by name:\n%s", unit)
		}
		e.must("rm", "joiner", "netowner")
	})
	t.Run("bad values", func(t *testing.T) { checkMetaBadValues(t, e) })
}

func checkMetaBadValues(t *testing.T, e *env) {
	before := snapshot(e)
	for _, c := range []struct{ args []string }{
		{[]string{"--tz", "Mars/Olympus"}},
		{[]string{"--tz", "../../etc/passwd"}},
		{[]string{"--expose", "http"}},
		{[]string{"--expose", "90-80"}},
		{[]string{"--log-driver", "syslog"}},
		{[]string{"--log-driver", "k8s-file"}},
		{[]string{"--log-opt", "path=/var/log/x"}},
		{[]string{"--log-opt", "tag=a b"}},
		{[]string{"--annotation", "=v"}},
		{[]string{"--label-file", "/no/such/labels"}},
		{[]string{"--hostuser", "no-such-host-user"}},
	} {
		r := e.run(append(append([]string{"create", "--name", "badmeta"}, c.args...), "bb", "true")...)
		flag, value := c.args[0], c.args[1]
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, flag) || !strings.Contains(r.err, strings.SplitN(value, "=", 2)[0]) {
			t.Errorf("create %s %s: exit %d, stderr %q; want 125 and an Error: naming both", flag, value, r.code, r.err)
		}
	}
	if after := snapshot(e); after != before {
		t.Errorf("bad values changed the state:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}
