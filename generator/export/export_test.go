package export

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/generator/unitfile"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func fixture() (*model.Pod, []*model.Container) {
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := &model.Pod{ID: "p1", Name: "shop", Created: created, Config: model.PodConfig{
		Share: []string{"ipc", "net", "uts"}, Hostname: "shop", Labels: map[string]string{"tier": "web", "a": "b c"},
		ExitPolicy: "continue", Memory: 64 << 20, CPUs: 1.5, Network: "front",
		Ports: []model.PortMapping{{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Protocol: "tcp"},
			{HostIP: "::1", HostPort: 5353, ContainerPort: 53, Protocol: "udp"}},
		NetConfig: model.NetConfig{Networks: []string{"back"}, NetworkOpts: map[string]model.NetworkOpts{
			"front": {IP: "10.89.1.5", IP6: "fd00::5", MAC: "02:00:00:00:00:05", Aliases: []string{"shop-gw"}},
			"back":  {IP: "10.89.2.5", Aliases: []string{"a", "b"}}},
			DNS: []string{"10.0.0.53"}, DNSSearch: []string{"example.test"}, DNSOptions: []string{"ndots:2"},
			AddHost: []string{"db:10.0.0.7"}}}}
	web := &model.Container{ID: "c1", Name: "front", Image: "localhost/bb:latest", Created: created,
		Config: model.Config{Cmd: []string{"httpd", "-f", "-p", "8080"}, Env: []string{"PATH=/bin", "GREETING=50% off $now"},
			Labels: map[string]string{"x": "1"}, WorkingDir: "/srv", User: "app", StopSignal: "SIGTERM", StopTimeout: 5,
			Mounts: []model.Mount{{Source: "/var/www", Destination: "/srv", ReadOnly: true}},
			Tmpfs:  []string{"/tmp:size=1m"}, ReadOnly: true, CapDrop: []string{"NET_RAW"}, Runtime: "crun", Pod: "p1"}}
	probe := &model.Container{ID: "c2", Name: "probe", Image: "bb", Created: created,
		Config: model.Config{Entrypoint: []string{"sh", "-c"}, Cmd: []string{`wget -qO- "127.0.0.1:8080"; sleep 600`},
			StopTimeout: 10, Runtime: "runc", Pod: "p1"}}
	return p, []*model.Container{web, probe}
}

func TestGolden(t *testing.T) {
	p, members := fixture()
	cases := map[string]Options{
		"pod-existing": {},
		"pod-new":      {New: true, Binary: "/opt/podunit", RestartPolicy: "always", RestartSec: 3, After: []string{"db.service"}},
	}
	for name, o := range cases {
		units, err := Pod(p, members, o)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		for _, u := range units {
			got.WriteString("---" + u.Name + "---\n")
			got.Write(u.Text)
		}
		path := filepath.Join("testdata", name+".golden")
		if *update {
			if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: output differs from %s:\n%s", name, path, got.String())
		}
	}
}

func TestNewRunLineRoundTrips(t *testing.T) {
	p, members := fixture()
	u, err := Container(members[0], p, Options{New: true})
	if err != nil {
		t.Fatal(err)
	}
	argv := execStart(t, u)
	want := []string{"/usr/bin/podunit", "--runtime", "crun", "run", "--unit", "--replace", "--rm", "--name", "front",
		"-e", "PATH=/bin", "-e", "GREETING=50% off $now", "-l", "x=1", "-v", "/var/www:/srv:ro", "--tmpfs", "/tmp:size=1m",
		"-w", "/srv", "-u", "app", "--stop-signal", "SIGTERM", "--stop-timeout", "5", "--read-only",
		"--cap-drop", "NET_RAW", "--pod", "shop", "--http-proxy=false", "--entrypoint", "[]", "localhost/bb:latest", "httpd", "-f", "-p", "8080"}
	if !slices.Equal(argv, want) {
		t.Fatalf("ExecStart argv:\n got %q\nwant %q", argv, want)
	}
}

func TestRefusesWhatCannotBeWritten(t *testing.T) {
	_, members := fixture()
	bad := *members[0]
	bad.Name = "a\n[Service]"
	if _, err := Container(&bad, nil, Options{}); err == nil {
		t.Error("a name with a newline was written")
	}
	bad = *members[0]
	bad.Config.StopSignal = "TERM\nExecStart=/bin/evil"
	if _, err := Container(&bad, nil, Options{}); err == nil {
		t.Error("a stop signal with a newline was written")
	}
	bad = *members[0]
	bad.Config.LogTag = "x\n[Service]\nExecStartPre=/bin/evil"
	if _, err := Container(&bad, nil, Options{}); err == nil {
		t.Error("a log tag with a newline was written")
	}
	if _, err := Container(members[0], nil, Options{RestartPolicy: "sometimes"}); err == nil {
		t.Error("an unknown restart policy was written")
	}
}

// TestRestartFollowsTheContainer: without --restart-policy the unit's
// Restart= is the container's own --restart (it was on-failure whatever
// the container said), and on-failure for a container without one.
func TestRestartFollowsTheContainer(t *testing.T) {
	_, members := fixture()
	cases := []struct{ container, flag, want string }{
		{"always", "", "always"},
		{"unless-stopped", "", "always"},
		{"on-failure:3", "", "on-failure"},
		{"no", "", "no"},
		{"", "", "on-failure"},
		{"always", "on-abort", "on-abort"},
	}
	for _, c := range cases {
		ctr := *members[0]
		ctr.Config.Pod, ctr.Config.Restart = "", c.container
		u, err := Container(&ctr, nil, Options{RestartPolicy: c.flag})
		if err != nil {
			t.Fatal(err)
		}
		f, err := unitfile.Parse(u.Name, u.Text)
		if err != nil {
			t.Fatal(err)
		}
		if e, _ := f.Section("Service").Lookup("Restart"); e.Value != c.want {
			t.Errorf("--restart %q, --restart-policy %q: Restart=%s, want %s", c.container, c.flag, e.Value, c.want)
		}
	}
}

// TestTerminalUnitSendsNoFinalKill: a -t container's unit leaves its
// console keeper to end by itself, as the transient unit does.
func TestTerminalUnitSendsNoFinalKill(t *testing.T) {
	_, members := fixture()
	for _, tty := range []bool{false, true} {
		ctr := *members[0]
		ctr.Config.Pod, ctr.Config.Tty = "", tty
		u, err := Container(&ctr, nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		f, err := unitfile.Parse(u.Name, u.Text)
		if err != nil {
			t.Fatal(err)
		}
		e, ok := f.Section("Service").Lookup("SendSIGKILL")
		if tty != (ok && e.Value == "no") {
			t.Errorf("tty %v: SendSIGKILL=%q (set: %v)\n%s", tty, e.Value, ok, u.Text)
		}
	}
}

// TestRefusesWhatSystemdCannotLoad: an environment too large for one
// argument, or for the ExecStart= line, is refused with the container's
// name, not written as a unit systemd marks LoadState=error.
func TestRefusesWhatSystemdCannotLoad(t *testing.T) {
	_, members := fixture()
	huge := *members[0]
	huge.Config.Pod = ""
	huge.Config.Env = []string{"BIG=" + strings.Repeat("x", unitfile.MaxArg)}
	if _, err := Container(&huge, nil, Options{New: true}); err == nil || !strings.Contains(err.Error(), `"front"`) ||
		!strings.Contains(err.Error(), "one argument") {
		t.Errorf("an argument over Linux's limit: %v", err)
	}
	long := huge
	long.Config.Env = nil
	for i := 0; i < 9; i++ {
		long.Config.Env = append(long.Config.Env, fmt.Sprintf("V%d=%s", i, strings.Repeat("x", 120<<10)))
	}
	_, err := Container(&long, nil, Options{New: true})
	if err == nil || !strings.Contains(err.Error(), "ExecStart=") || !strings.Contains(err.Error(), "container-front.service") {
		t.Errorf("an ExecStart= over systemd's line limit: %v", err)
	}
	if _, err := Container(&long, nil, Options{}); err != nil {
		t.Errorf("without --new the environment stays in the record: %v", err)
	}
}

// execStart parses a unit and splits its ExecStart= into argv.
func execStart(t testing.TB, u Unit) []string {
	t.Helper()
	f, err := unitfile.Parse(u.Name, u.Text)
	if err != nil {
		t.Fatalf("%s does not parse: %v\n%s", u.Name, err, u.Text)
	}
	e, ok := f.Section("Service").Lookup("ExecStart")
	if !ok {
		t.Fatalf("%s has no ExecStart", u.Name)
	}
	argv, err := unitfile.SplitExec(e.Value, func(c byte) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("ExecStart %q does not split: %v", e.Value, err)
	}
	return argv
}

// FuzzValuesCannotAddDirectives puts arbitrary text in every value a user
// controls and checks the unit keeps exactly its sections and keys, and
// that ExecStart= still runs exactly the intended argv.
func FuzzValuesCannotAddDirectives(f *testing.F) {
	for _, seed := range []string{"plain", "a\nb", "[Service]", "%n %% $HOME ${X}", `"quoted' \`, "x\r\nExecStart=/bin/sh", "\\\n",
		"x.service\n[Service]\nExecStartPre=/bin/touch /P", "db.service"} {
		f.Add(seed, seed, seed, seed)
	}
	f.Fuzz(func(t *testing.T, env, label, arg, dep string) {
		_, members := fixture()
		c := *members[0]
		c.Config.Pod = ""
		c.Config.Env = []string{"K=" + env}
		c.Config.Labels = map[string]string{"k": label}
		c.Config.Cmd = []string{arg, env}
		c.Config.Mounts = []model.Mount{{Source: "/" + label, Destination: "/" + arg}}
		c.Config.Network, c.Config.Networks = "n"+dep, []string{label}
		c.Config.NetworkOpts = map[string]model.NetworkOpts{label: {Aliases: []string{arg}, MAC: env}}
		c.Config.DNSSearch, c.Config.AddHost = []string{arg}, []string{env}
		c.Config.Ports = []model.PortMapping{{HostIP: label, HostPort: 1, ContainerPort: 2, Protocol: "tcp"}}
		c.Config.Annotations = map[string]string{"a": arg}
		c.Config.Timezone, c.Config.LogTag = env, "tag"
		deps := []string{dep}
		u, err := Container(&c, nil, Options{New: true, After: deps, Wants: deps, Requires: deps})
		if err != nil {
			return // refusing is allowed; writing something else is not
		}
		f, perr := unitfile.Parse(u.Name, u.Text)
		if perr != nil {
			t.Fatalf("output does not parse: %v\n%s", perr, u.Text)
		}
		var sections []string
		for _, s := range f.Sections {
			sections = append(sections, s.Name)
		}
		if !slices.Equal(sections, []string{"Unit", "Service", "Install"}) {
			t.Fatalf("sections %q\n%s", sections, u.Text)
		}
		checkUnitSection(t, f, dep, string(u.Text))
		for _, e := range f.Section("Service").Entries {
			if !slices.Contains([]string{"Environment", "Restart", "TimeoutStopSec", "Type", "NotifyAccess", "Delegate",
				"KillMode", "SyslogIdentifier", "ExecStart", "ExecStop", "ExecStopPost", "KillSignal",
				"SuccessExitStatus", "RestartForceExitStatus", "SendSIGKILL"}, e.Key) {
				t.Fatalf("unexpected key %q\n%s", e.Key, u.Text)
			}
		}
		argv := execStart(t, u)
		want := append([]string{"/usr/bin/podunit", "--runtime", "crun"}, append([]string{"run", "--unit", "--replace", "--rm"}, runFlags(&c, nil)...)...)
		if !slices.Equal(argv, want) {
			t.Fatalf("argv changed:\n got %q\nwant %q", argv, want)
		}
	})
}

// checkUnitSection: [Unit] has its fixed keys and one After=, Wants= and
// Requires= that is exactly dep, as one word.
func checkUnitSection(t *testing.T, f *unitfile.File, dep, text string) {
	t.Helper()
	got := map[string][]string{}
	for _, e := range f.Section("Unit").Entries {
		got[e.Key] = append(got[e.Key], e.Value)
	}
	want := map[string][]string{"Description": {"podunit container front"}, "Documentation": {"man:podunit-generate-systemd(1)"},
		"Wants": {"network-online.target", dep}, "After": {"network-online.target", dep}, "Requires": {dep}}
	if len(got) != len(want) {
		t.Fatalf("[Unit] keys %v\n%s", got, text)
	}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			t.Fatalf("[Unit] %s=%q, want %q\n%s", k, got[k], v, text)
		}
	}
	// systemd splits dependency lists on blanks and keeps escapes (\x2d)
	// as they are: the unit name must come back as one word, itself
	if words := strings.Fields(dep); len(words) != 1 || words[0] != dep {
		t.Fatalf("dependency %q reads back as %q", dep, words)
	}
}
