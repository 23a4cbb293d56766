package spec

import (
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestUserNamespaceFromMaps(t *testing.T) {
	in := testInput(t)
	in.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	in.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 200000, Size: 65536}}
	in.Namespaces = []specs.LinuxNamespace{{Type: specs.MountNamespace}, {Type: specs.NetworkNamespace, Path: "/run/netns/x"},
		{Type: specs.IPCNamespace}, {Type: specs.PIDNamespace}}
	s := mustGenerate(t, in)
	if !hasNewNamespace(s.Linux.Namespaces, specs.UserNamespace) {
		t.Errorf("namespaces %+v: no new user namespace", s.Linux.Namespaces)
	}
	if !slices.Equal(s.Linux.UIDMappings, in.UIDMappings) || !slices.Equal(s.Linux.GIDMappings, in.GIDMappings) {
		t.Errorf("maps %+v %+v", s.Linux.UIDMappings, s.Linux.GIDMappings)
	}
	// a joined network namespace belongs to the host's user namespace: /sys is bound
	if m, _ := findMount(s, "/sys"); m.Type != "bind" || m.Source != "/sys" {
		t.Errorf("/sys = %+v, want the host's bound", m)
	}
	if m, _ := findMount(s, "/dev/mqueue"); m.Type != "mqueue" {
		t.Errorf("/dev/mqueue = %+v, want a new mqueue (new IPC namespace)", m)
	}
}

func TestNoUserNamespaceByDefault(t *testing.T) {
	s := mustGenerate(t, testInput(t))
	if hasNamespace(s.Linux.Namespaces, specs.UserNamespace) || s.Linux.UIDMappings != nil {
		t.Errorf("user namespace without maps: %+v", s.Linux.Namespaces)
	}
	if m, _ := findMount(s, "/sys"); m.Type != "sysfs" {
		t.Errorf("/sys = %+v", m)
	}
}

func TestJoinUserNamespace(t *testing.T) {
	in := testInput(t)
	in.UserNSPath = "/proc/42/ns/user"
	s := mustGenerate(t, in)
	if !slices.Contains(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace, Path: "/proc/42/ns/user"}) {
		t.Errorf("namespaces %+v", s.Linux.Namespaces)
	}
}

func TestSeccompChoices(t *testing.T) {
	in := testInput(t)
	in.SeccompUnconfined = true
	if s := mustGenerate(t, in); s.Linux.Seccomp != nil {
		t.Errorf("unconfined: seccomp %+v", s.Linux.Seccomp)
	}
	in = testInput(t)
	in.SeccompProfile = []byte(`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}`)
	s := mustGenerate(t, in)
	if s.Linux.Seccomp == nil || s.Linux.Seccomp.DefaultAction != specs.ActAllow || len(s.Linux.Seccomp.Syscalls) != 1 ||
		s.Linux.Seccomp.Syscalls[0].Names[0] != "mkdir" {
		t.Errorf("profile: seccomp %+v", s.Linux.Seccomp)
	}
	in.SeccompProfile = []byte(`{"syscalls":[]}`)
	if _, err := generate(in, testHost()); !errdefs.IsInvalidArgument(err) {
		t.Errorf("profile without defaultAction: %v", err)
	}
	if err := CheckSeccompProfile([]byte("not json")); !errdefs.IsInvalidArgument(err) {
		t.Errorf("CheckSeccompProfile(not json) = %v", err)
	}
}

func TestMaskAndUnmask(t *testing.T) {
	in := testInput(t)
	in.Mask = []string{"/proc/cpuinfo", "/proc/kcore"}
	in.Unmask = []string{"/proc/keys", "/proc/sys"}
	s := mustGenerate(t, in)
	if !slices.Contains(s.Linux.MaskedPaths, "/proc/cpuinfo") || slices.Contains(s.Linux.MaskedPaths, "/proc/keys") ||
		slices.Contains(s.Linux.ReadonlyPaths, "/proc/sys") || !slices.Contains(s.Linux.ReadonlyPaths, "/proc/bus") {
		t.Errorf("masked %v readonly %v", s.Linux.MaskedPaths, s.Linux.ReadonlyPaths)
	}
	if n := len(slices.DeleteFunc(slices.Clone(s.Linux.MaskedPaths), func(p string) bool { return p != "/proc/kcore" })); n != 1 {
		t.Errorf("/proc/kcore masked %d times", n)
	}
	in.Mask, in.Unmask = nil, []string{"ALL"}
	if s := mustGenerate(t, in); len(s.Linux.MaskedPaths) != 0 || len(s.Linux.ReadonlyPaths) != 0 {
		t.Errorf("unmask=ALL: masked %v readonly %v", s.Linux.MaskedPaths, s.Linux.ReadonlyPaths)
	}
}

func TestInitAndProcessSettings(t *testing.T) {
	in := testInput(t)
	in.InitPath = "/usr/bin/catatonit"
	in.AppArmorProfile = "my-profile"
	in.NoNewPrivileges = true
	s := mustGenerate(t, in)
	if want := []string{InitPath, "--", "/bin/sh", "-c", "sleep infinity"}; !slices.Equal(s.Process.Args, want) {
		t.Errorf("args %q, want %q", s.Process.Args, want)
	}
	if m, ok := findMount(s, InitPath); !ok || m.Source != "/usr/bin/catatonit" || !slices.Contains(m.Options, "ro") {
		t.Errorf("init mount %+v", m)
	}
	if s.Process.ApparmorProfile != "my-profile" || !s.Process.NoNewPrivileges {
		t.Errorf("apparmor %q noNewPrivileges %v", s.Process.ApparmorProfile, s.Process.NoNewPrivileges)
	}
}

func TestGroupAdd(t *testing.T) {
	in := testInput(t)
	in.GroupAdd = []string{"4242", "0"}
	s := mustGenerate(t, in)
	if !slices.Contains(s.Process.User.AdditionalGids, 4242) || slices.Contains(s.Process.User.AdditionalGids, 0) {
		t.Errorf("additional gids %v: want 4242 and not the primary 0", s.Process.User.AdditionalGids)
	}
	in.GroupAdd = []string{"no-such-group"}
	if _, err := generate(in, testHost()); !errdefs.IsInvalidArgument(err) {
		t.Errorf("unknown group: %v", err)
	}
}
