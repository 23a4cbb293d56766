package spec

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestDefaults(t *testing.T) {
	in := testInput(t)
	s := mustGenerate(t, in)
	if s.Version != "1.0.2-dev" {
		t.Errorf("ociVersion = %q", s.Version)
	}
	if s.Root.Path != in.Rootfs || s.Root.Readonly {
		t.Errorf("root = %+v", s.Root)
	}
	if s.Process.Cwd != "/" || s.Process.User.UID != 0 || *s.Process.User.Umask != 0o022 {
		t.Errorf("cwd %q user %+v", s.Process.Cwd, s.Process.User)
	}
	if s.Process.NoNewPrivileges || s.Process.OOMScoreAdj != nil {
		t.Errorf("noNewPrivileges %v oomScoreAdj %v: want podman's defaults", s.Process.NoNewPrivileges, s.Process.OOMScoreAdj)
	}
	if s.Hostname != "0123456789ab" || s.Annotations[NameAnnotation] != "web" {
		t.Errorf("hostname %q annotations %v", s.Hostname, s.Annotations)
	}
	if p := s.Linux.Resources.Pids; p == nil || *p.Limit != 2048 {
		t.Errorf("pids = %+v, want limit 2048", p)
	}
	for _, p := range []string{"/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware", "/proc/interrupts", "/proc/acpi", "/sys/fs/selinux"} {
		if !slices.Contains(s.Linux.MaskedPaths, p) {
			t.Errorf("%s not masked", p)
		}
	}
	if want := []string{"/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}; !slices.Equal(s.Linux.ReadonlyPaths, want) {
		t.Errorf("readonly paths = %v", s.Linux.ReadonlyPaths)
	}
	d := s.Linux.Resources.Devices
	if len(d) == 0 || d[0].Allow || d[0].Access != "rwm" || d[0].Type != "" {
		t.Fatalf("devices = %+v: want deny-all first", d)
	}
	if !allowsChar(d, 1, 3) || !allowsChar(d, 1, 9) || !allowsChar(d, 5, 0) || !allowsChar(d, 136, 7) || allowsChar(d, 8, 0) {
		t.Errorf("device allow list = %+v", d)
	}
}

func allowsChar(rules []specs.LinuxDeviceCgroup, major, minor int64) bool {
	allowed := false
	for _, r := range rules {
		if (r.Type == "" || r.Type == "a" || r.Type == "c") &&
			(r.Major == nil || *r.Major == major) && (r.Minor == nil || *r.Minor == minor) {
			allowed = r.Allow
		}
	}
	return allowed
}

func TestPrivileged(t *testing.T) {
	in := testInput(t)
	in.Privileged = true
	in.CapDrop = []string{"SYS_ADMIN"}
	s := mustGenerate(t, in)
	want := slices.DeleteFunc(slices.Clone(testHost().caps), func(c string) bool { return c == "CAP_SYS_ADMIN" })
	if c := s.Process.Capabilities; !slices.Equal(c.Bounding, want) || !slices.Equal(c.Effective, want) || len(c.Ambient) != 0 {
		t.Errorf("capabilities = %+v", c)
	}
	if s.Linux.Seccomp != nil || len(s.Linux.MaskedPaths) != 0 || len(s.Linux.ReadonlyPaths) != 0 {
		t.Errorf("privileged: seccomp %v masked %v readonly %v", s.Linux.Seccomp != nil, s.Linux.MaskedPaths, s.Linux.ReadonlyPaths)
	}
	if !allowsChar(s.Linux.Resources.Devices, 8, 0) {
		t.Errorf("privileged devices = %+v", s.Linux.Resources.Devices)
	}
	if m, _ := findMount(s, "/sys"); !slices.Contains(m.Options, "rw") {
		t.Errorf("/sys options %v", m.Options)
	}
}

func TestNamespacesAndHostname(t *testing.T) {
	shared := []specs.LinuxNamespace{
		{Type: specs.PIDNamespace}, {Type: specs.MountNamespace},
		{Type: specs.NetworkNamespace, Path: "/run/podunit/ns/net-pod"},
		{Type: specs.UTSNamespace, Path: "/run/podunit/ns/uts-pod"},
	}
	tests := []struct {
		name      string
		ns        []specs.LinuxNamespace
		cgroupNS  bool
		hostname  string
		wantTypes int
		wantHost  string
	}{
		{name: "fresh", cgroupNS: true, wantTypes: 6, wantHost: "0123456789ab"},
		{name: "fresh without cgroup ns", wantTypes: 5, wantHost: "0123456789ab"},
		{name: "given hostname", hostname: "web1", wantTypes: 5, wantHost: "web1"},
		{name: "pod's uts namespace", ns: shared, hostname: "ignored", wantTypes: 4, wantHost: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := testInput(t)
			in.Namespaces, in.Hostname = tt.ns, tt.hostname
			h := testHost()
			h.cgroupNS = tt.cgroupNS
			s, err := generate(in, h)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Linux.Namespaces) != tt.wantTypes || s.Hostname != tt.wantHost {
				t.Errorf("namespaces %v hostname %q", s.Linux.Namespaces, s.Hostname)
			}
			hasEnv := slices.Contains(s.Process.Env, "HOSTNAME="+tt.wantHost)
			if hasEnv != (tt.wantHost != "") {
				t.Errorf("env %v", s.Process.Env)
			}
		})
	}
}

func TestPassThrough(t *testing.T) {
	in := testInput(t)
	in.CgroupsPath = "system.slice:podunit:abc"
	in.Terminal = true
	in.NoNewPrivileges = true
	in.WorkingDir = "/srv"
	in.PidsLimit = -1
	in.Annotations = map[string]string{"a": "b"}
	in.Labels = map[string]string{"l": "v"}
	s := mustGenerate(t, in)
	if s.Linux.CgroupsPath != in.CgroupsPath || !s.Process.Terminal || !s.Process.NoNewPrivileges || s.Process.Cwd != "/srv" {
		t.Errorf("process %+v cgroups %q", s.Process, s.Linux.CgroupsPath)
	}
	if s.Linux.Resources.Pids != nil {
		t.Errorf("pids = %+v, want none", s.Linux.Resources.Pids)
	}
	if want := map[string]string{"a": "b", NameAnnotation: "web"}; !reflect.DeepEqual(s.Annotations, want) {
		t.Errorf("annotations = %v", s.Annotations)
	}
	in.PidsLimit = 100
	if s := mustGenerate(t, in); *s.Linux.Resources.Pids.Limit != 100 {
		t.Errorf("pids limit %d", *s.Linux.Resources.Pids.Limit)
	}
}

// TestConsoleSize: an attached caller's terminal size is the container's
// from the start, and only a container with a terminal gets one.
func TestConsoleSize(t *testing.T) {
	in := testInput(t)
	in.ConsoleSize = &specs.Box{Height: 24, Width: 80}
	if s := mustGenerate(t, in); s.Process.ConsoleSize != nil {
		t.Errorf("without a terminal: consoleSize %+v", s.Process.ConsoleSize)
	}
	in.Terminal = true
	if s := mustGenerate(t, in); s.Process.ConsoleSize == nil || *s.Process.ConsoleSize != (specs.Box{Height: 24, Width: 80}) {
		t.Errorf("with a terminal: consoleSize %+v, want 24x80", s.Process.ConsoleSize)
	}
}

func TestInvalidInput(t *testing.T) {
	tests := map[string]func(*Input){
		"relative rootfs":      func(in *Input) { in.Rootfs = "rootfs" },
		"no args":              func(in *Input) { in.Args = nil },
		"relative workdir":     func(in *Input) { in.WorkingDir = "srv" },
		"unknown user":         func(in *Input) { in.User = "mallory" },
		"relative bind source": func(in *Input) { in.Mounts = []Mount{{Source: "data", Destination: "/data"}} },
		"relative bind dest":   func(in *Input) { in.Mounts = []Mount{{Source: "/data", Destination: "data"}} },
		"relative tmpfs":       func(in *Input) { in.Tmpfs = []string{"tmp:size=1m"} },
		"empty tmpfs option":   func(in *Input) { in.Tmpfs = []string{"/t:size=1m,"} },
		"duplicate mounts":     func(in *Input) { in.Mounts = []Mount{{Source: "/a", Destination: "/x"}}; in.Tmpfs = []string{"/x/"} },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			in := testInput(t)
			mutate(&in)
			if _, err := generate(in, testHost()); !errdefs.IsInvalidArgument(err) {
				t.Errorf("err = %v, want an invalid argument", err)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	in := testInput(t)
	in.Mounts = []Mount{{Source: "/srv/data", Destination: "/data", ReadOnly: true}}
	in.Tmpfs = []string{"/cache:size=10m"}
	s := mustGenerate(t, in)
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back specs.Spec
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, err := json.Marshal(&back)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != string(b2) {
		t.Error("spec changes across a JSON round trip")
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"ociVersion", "process", "root", "mounts", "linux", "hostname"} {
		if _, ok := raw[key]; !ok {
			t.Errorf("no %q in the JSON", key)
		}
	}
}
