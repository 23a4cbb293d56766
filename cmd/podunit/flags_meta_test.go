package main

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/generator/export"
	"github.com/podunit/podunit/generator/unitfile"
)

// parseCreate parses create's flags and arguments into engine options.
func parseCreate(t *testing.T, args ...string) (engine.CreateOptions, error) {
	t.Helper()
	var f createFlags
	cmd := &cobra.Command{Use: "create"}
	f.register(cmd.Flags())
	if err := cmd.Flags().Parse(args); err != nil {
		return engine.CreateOptions{}, err
	}
	return f.options(cmd, cmd.Flags().Args())
}

func TestMetaFlags(t *testing.T) {
	t.Setenv("https_proxy", "http://proxy:3128")
	t.Setenv("NO_PROXY", "localhost")
	labels := filepath.Join(t.TempDir(), "labels")
	os.WriteFile(labels, []byte("# team\nteam=web\ntier=file\n"), 0o600)
	o, err := parseCreate(t, "--annotation", "a=1", "--annotation", "b", "--tz", "local", "--expose", "80",
		"--log-driver", "none", "--label-file", labels, "-l", "tier=flag", "-e", "NO_PROXY=override", "bb")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(o.Annotations, map[string]string{"a": "1", "b": ""}) || o.Timezone != "local" ||
		!slices.Equal(o.Expose, []string{"80"}) || o.LogDriver != "none" {
		t.Errorf("options: %+v", o.MetaConfig)
	}
	if !reflect.DeepEqual(o.Labels, map[string]string{"team": "web", "tier": "flag"}) {
		t.Errorf("labels: %v (--label wins over --label-file)", o.Labels)
	}
	// the proxy variables first, so that -e wins
	if !slices.Equal(o.Env, []string{"https_proxy=http://proxy:3128", "NO_PROXY=localhost", "NO_PROXY=override"}) {
		t.Errorf("env: %q", o.Env)
	}
	if o, _ := parseCreate(t, "--http-proxy=false", "bb"); len(o.Env) != 0 {
		t.Errorf("--http-proxy=false passed %q", o.Env)
	}
	t.Setenv("ONLY_HERE", "x")
	if o, _ := parseCreate(t, "--env-host", "bb"); !slices.Contains(o.Env, "ONLY_HERE=x") {
		t.Errorf("--env-host did not pass the environment: %q", o.Env)
	}
	var f createFlags
	cmd := &cobra.Command{Use: "create"}
	f.register(cmd.Flags())
	_ = cmd.Flags().Parse([]string{"--retry", "5", "--retry-delay", "1500ms", "bb"})
	if _, err := f.options(cmd, cmd.Flags().Args()); err != nil || f.meta.pull.Retry != 5 || f.meta.pull.RetryDelay != 1500*time.Millisecond {
		t.Errorf("--retry 5 --retry-delay 1500ms: %+v, %v", f.meta.pull, err)
	}
	if o, _ := parseCreate(t, "--log-driver", "journald", "--log-opt", "tag=web", "bb"); o.LogDriver != "" || o.LogTag != "web" {
		t.Errorf("journald, tag=web: %+v", o.MetaConfig)
	}
}

func TestMetaFlagsRefused(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--annotation", "=v"}, `--annotation "=v"`},
		{[]string{"--log-opt", "path=/x"}, `--log-opt "path=/x"`},
		{[]string{"--log-opt", "bogus"}, `--log-opt "bogus"`},
		{[]string{"--label-file", "/no/such/file"}, "--label-file"},
		{[]string{"--retry-delay", "soon"}, `--retry-delay "soon"`},
		{[]string{"--retry", "-1"}, "--retry"},
	} {
		_, err := parseCreate(t, append(c.args, "bb")...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error naming %s", c.args, err, c.want)
		}
		if errdefs.IsNotFound(err) {
			t.Errorf("%q: %v is a not-found error", c.args, err)
		}
	}
}

// TestGenerateNewRoundTrip: what generate systemd --new writes parses back
// into the options the container was created with.
func TestGenerateNewRoundTrip(t *testing.T) {
	args := []string{"--name", "web", "-e", "A=1", "-l", "x=y", "--annotation", "k=v", "--tz", "Europe/Berlin",
		"--expose", "81/udp", "--log-driver", "passthrough", "--network", "front:alias=www,ip=10.89.1.5",
		"--network", "back", "-p", "127.0.0.1:8080:80/tcp", "--dns", "10.0.0.1", "--dns-search", "example.com",
		"--dns-option", "ndots:2", "--add-host", "db:10.0.0.9", "--hostuser", "daemon", "-w", "/srv", "-u", "app", "--read-only",
		"--cap-add", "NET_ADMIN", "--stop-signal", "SIGINT", "--stop-timeout", "3", "--http-proxy=false",
		"--entrypoint", `["sh","-c"]`, "bb", "echo hi"}
	c, argv := newRunLine(t, args...)
	again, err := parseCreate(t, argv...)
	if err != nil {
		t.Fatalf("%q: %v", argv, err)
	}
	if got := recordOf(t, again); !reflect.DeepEqual(got.Config, c.Config) {
		t.Errorf("the regenerated options differ:\n got %+v\nwant %+v\nargv %q", got.Config, c.Config, argv)
	}
}

// recordOf is the record the engine would make of o (networks and ports
// resolved as engine.Create does, no image).
func recordOf(t *testing.T, o engine.CreateOptions) *model.Container {
	t.Helper()
	cfg := o.Config
	cfg.Entrypoint, cfg.Cmd = *o.Entrypoint, o.Cmd
	cfg.Network = o.Network
	ports, err := engine.ParsePublish(o.Publish)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Ports = ports
	if !o.FirstNetworkOpts.IsZero() {
		cfg.NetworkOpts = map[string]model.NetworkOpts{o.Network: o.FirstNetworkOpts}
		for k, v := range o.NetworkOpts {
			cfg.NetworkOpts[k] = v
		}
	}
	cfg.Env = append([]string{}, o.Env...)
	return &model.Container{ID: "c1", Name: o.Name, Image: o.Image, Config: cfg}
}

func unitExecStart(t *testing.T, u export.Unit) []string {
	t.Helper()
	f, err := unitfile.Parse(u.Name, u.Text)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := f.Section("Service").Lookup("ExecStart")
	argv, err := unitfile.SplitExec(e.Value, func(byte) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	return argv
}

// TestInspectMeta: the metadata and network settings show under Podman's
// names, and an empty container still has every key a template may name.
func TestInspectMeta(t *testing.T) {
	c := &model.Container{ID: strings.Repeat("a", 64), Name: "web", Config: model.Config{Cmd: []string{"true"},
		Network: "front", SdNotify: "container",
		Ports:  []model.PortMapping{{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Protocol: "tcp"}},
		Mounts: []model.Mount{{Source: "/srv", Destination: "/srv", ReadOnly: true, Options: []string{"rshared"}}},
		NetConfig: model.NetConfig{Networks: []string{"back"}, DNS: []string{"10.0.0.1"}, AddHost: []string{"db:10.0.0.9"},
			NetworkOpts: map[string]model.NetworkOpts{"front": {Aliases: []string{"www"}, IP: "10.89.1.5"}}},
		MetaConfig: model.MetaConfig{Annotations: map[string]string{"k": "v"}, Timezone: "UTC", Expose: []string{"81/udp"},
			LogDriver: "passthrough"}}}
	view, err := jsonView(newInspectData(c, func(string) string { return "" }))
	if err != nil {
		t.Fatal(err)
	}
	for tmpl, want := range map[string]string{
		"{{.Config.Annotations.k}} {{.Config.Timezone}} {{.Config.SdNotifyMode}}": "v UTC container",
		"{{.Config.ExposedPorts}}":                                                                               "map[80/tcp:map[] 81/udp:map[]]",
		"{{.HostConfig.LogConfig.Type}} {{.HostConfig.NetworkMode}}":                                             "passthrough bridge",
		"{{.HostConfig.PortBindings}}":                                                                           "map[80/tcp:[map[HostIp:127.0.0.1 HostPort:8080]]]",
		"{{.HostConfig.Dns}} {{.HostConfig.ExtraHosts}} {{.HostConfig.Binds}}":                                   "[10.0.0.1] [db:10.0.0.9] [/srv:/srv:ro,rshared]",
		"{{.NetworkSettings.Networks.front.Aliases}} {{.NetworkSettings.Networks.front.IPAMConfig.IPv4Address}}": "[www] 10.89.1.5",
		"{{.NetworkSettings.Networks.back.NetworkID}}":                                                           "back",
	} {
		var out strings.Builder
		if err := writeTable(&out, "inspect", tmpl, nil, nil, []any{view}, true); err != nil {
			t.Fatalf("%s: %v", tmpl, err)
		}
		if got := strings.TrimSpace(out.String()); got != want {
			t.Errorf("%s = %q, want %q", tmpl, got, want)
		}
	}
	empty, _ := jsonView(newInspectData(&model.Container{ID: c.ID, Name: "e", Config: model.Config{Cmd: []string{"true"}}}, nil))
	var out strings.Builder
	if err := writeTable(&out, "inspect", "{{.Config.Timezone}}|{{.Config.ExposedPorts}}|{{.HostConfig.Binds}}|{{.HostConfig.LogConfig.Type}}",
		nil, nil, []any{empty}, true); err != nil || strings.TrimSpace(out.String()) != "|map[]|[]|journald" {
		t.Errorf("an empty container's keys: %q, %v", out.String(), err)
	}
}
