package spec

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestHostDevices(t *testing.T) {
	got, err := HostDevices("/dev/null", "/dev/mynull", "rw")
	if err != nil || len(got) != 1 {
		t.Fatalf("HostDevices(/dev/null) = %+v, %v", got, err)
	}
	d := got[0]
	if d.Path != "/dev/mynull" || d.Type != "c" || d.Major != 1 || d.Minor != 3 || d.Access != "rw" || *d.FileMode != 0o666 {
		t.Errorf("/dev/null = %+v (mode %o)", d, *d.FileMode)
	}
	for _, bad := range []string{"/dev/podunit-no-such-device", "/etc/hostname"} {
		if _, err := HostDevices(bad, bad, "rwm"); !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("HostDevices(%s) = %v, want ErrInvalidArgument", bad, err)
		}
	}
}

// TestHostDeviceDirectory: a directory gives every device node under it,
// each at its own path under the container's directory.
func TestHostDeviceDirectory(t *testing.T) {
	got, err := HostDevices("/dev", "/hostdev", "r")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(got, func(d Device) bool { return d.Path == "/hostdev/null" })
	if i < 0 || got[i].Major != 1 || got[i].Minor != 3 {
		t.Fatalf("no /hostdev/null among %d devices", len(got))
	}
	if slices.ContainsFunc(got, func(d Device) bool { return !strings.HasPrefix(d.Path, "/hostdev/") }) {
		t.Error("a device outside /hostdev")
	}
	empty := t.TempDir()
	os.WriteFile(filepath.Join(empty, "file"), nil, 0o600)
	if got, err := HostDevices(empty, "/x", "r"); err != nil || len(got) != 0 {
		t.Errorf("a directory of plain files gave %+v, %v", got, err)
	}
}

func TestParseDeviceRule(t *testing.T) {
	r, err := ParseDeviceRule("c 1:3 rwm")
	if err != nil || r.Type != "c" || *r.Major != 1 || *r.Minor != 3 || r.Access != "rwm" || !r.Allow {
		t.Fatalf("c 1:3 rwm = %+v, %v", r, err)
	}
	r, err = ParseDeviceRule("a *:* r")
	if err != nil || r.Major != nil || r.Minor != nil || r.Type != "a" {
		t.Fatalf("a *:* r = %+v, %v", r, err)
	}
	for _, bad := range []string{"", "c 1:3", "x 1:3 r", "c 1-3 r", "c a:3 r", "c 1:3 rwx", "c 1:3 rr", "c -1:3 r"} {
		if _, err := ParseDeviceRule(bad); !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.Contains(err.Error(), "--device-cgroup-rule") {
			t.Errorf("ParseDeviceRule(%q) = %v", bad, err)
		}
	}
}

// TestDevicesInSpec: a device is created and allowed after the deny-all
// rule and the defaults, and the extra rules follow.
func TestDevicesInSpec(t *testing.T) {
	in := testInput(t)
	devs, err := HostDevices("/dev/null", "/dev/mynull", "rw")
	if err != nil {
		t.Fatal(err)
	}
	rule, _ := ParseDeviceRule("b 7:* r")
	in.Devices, in.DeviceRules = devs, []specs.LinuxDeviceCgroup{rule}
	s := mustGenerate(t, in)
	if len(s.Linux.Devices) != 1 || s.Linux.Devices[0].Path != "/dev/mynull" {
		t.Fatalf("linux.devices = %+v", s.Linux.Devices)
	}
	rules := s.Linux.Resources.Devices
	last2 := rules[len(rules)-2:]
	if r := last2[0]; !r.Allow || r.Type != "c" || *r.Major != 1 || *r.Minor != 3 || r.Access != "rw" {
		t.Errorf("device rule = %+v", r)
	}
	if r := last2[1]; r.Type != "b" || *r.Major != 7 || r.Minor != nil {
		t.Errorf("extra rule = %+v", r)
	}
	if rules[0].Allow {
		t.Error("the first rule no longer denies all")
	}
}

func TestMountKinds(t *testing.T) {
	in := testInput(t)
	in.Mounts = []Mount{
		{Type: MountDevpts, Destination: "/dev/pts2", Options: []string{"mode=0600", "max=8"}},
		{Type: MountRamfs, Destination: "/ram", ReadOnly: true},
		{Type: MountOverlay, Source: "/srv/lower", Destination: "/ov", Options: []string{"upperdir=/u", "workdir=/w"}},
	}
	s := mustGenerate(t, in)
	want := map[string]specs.Mount{
		"/dev/pts2": {Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0600", "max=8"}},
		"/ram":      {Type: "ramfs", Source: "ramfs", Options: []string{"nosuid", "nodev", "ro"}},
		"/ov":       {Type: "overlay", Source: "overlay", Options: []string{"lowerdir=/srv/lower", "upperdir=/u", "workdir=/w"}},
	}
	for dest, w := range want {
		m, ok := findMount(s, dest)
		if !ok || m.Type != w.Type || m.Source != w.Source || !slices.Equal(m.Options, w.Options) {
			t.Errorf("%s = %+v, want %+v", dest, m, w)
		}
	}
	in.Mounts = []Mount{{Type: "nfs", Destination: "/x"}}
	if _, err := generate(in, testHost()); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("type nfs: %v", err)
	}
}

// TestReadOnlyTmpfsOff: --read-only --read-only-tmpfs=false has no
// writable tmpfs and a read-only /dev and /dev/shm; without --read-only it
// changes nothing.
func TestReadOnlyTmpfsOff(t *testing.T) {
	in := testInput(t)
	in.ReadOnly, in.NoReadOnlyTmpfs = true, true
	s := mustGenerate(t, in)
	for _, dest := range []string{"/tmp", "/var/tmp", "/run"} {
		if _, ok := findMount(s, dest); ok {
			t.Errorf("%s mounted", dest)
		}
	}
	for _, dest := range []string{"/dev", "/dev/shm"} {
		if m, _ := findMount(s, dest); !slices.Contains(m.Options, "ro") {
			t.Errorf("%s options %v, want ro", dest, m.Options)
		}
	}
	in.ReadOnly = false
	s = mustGenerate(t, in)
	if m, _ := findMount(s, "/dev"); slices.Contains(m.Options, "ro") {
		t.Error("/dev read-only without --read-only")
	}
	in.ReadOnly, in.NoReadOnlyTmpfs = true, false
	if _, ok := findMount(mustGenerate(t, in), "/tmp"); !ok {
		t.Error("--read-only lost its /tmp")
	}
}

func TestPrivilegedDevicesAreTheHostsButTheirOwn(t *testing.T) {
	got, err := PrivilegedDevices("/dev")
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]Device{}
	for _, d := range got {
		paths[d.Path] = d
	}
	entries, err := os.ReadDir("/dev")
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, e := range entries {
		p := "/dev/" + e.Name()
		own := privilegedSkips[e.Name()]
		if e.Type()&fs.ModeCharDevice == 0 && e.Type()&fs.ModeDevice == 0 {
			continue
		}
		d, found := paths[p]
		switch {
		case own && found:
			t.Errorf("%s is the container's own, not the host's", p)
		case !own && (!found || d.Access != "rwm"):
			t.Errorf("host device %s: %+v (found %v), want it with rwm", p, d, found)
		case !own:
			want++
		}
	}
	if want == 0 {
		t.Fatal("the host's /dev has no device node to give")
	}
	for p := range paths {
		if strings.HasPrefix(p, "/dev/pts/") || strings.HasPrefix(p, "/dev/shm/") {
			t.Errorf("%s lies under a mount of the container's own", p)
		}
	}
}
