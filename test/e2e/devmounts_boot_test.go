package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// devUnitScript prints what the container sees of its devices and mounts,
// then sleeps.
const devUnitScript = `ls -l /dev/mynull /dev/f | sed 's/  */ /g' | cut -d' ' -f1,5,6,10; ` +
	`test -e /dev/optional && echo optional-present; ` +
	`(: > /dev/f) 2>/dev/null && echo fuse-writable || echo fuse-refused; ` +
	`awk '$2=="/img"||$2=="/dev/pts2"||$2=="/r"||$2=="/o"||$2=="/t"||$2=="/anon" {print "mount", $2, substr($4, 1, 2), $3}' /proc/mounts | sort; ` +
	`touch /tmp/x 2>/dev/null && echo tmp-writable || echo tmp-ro; ` +
	`cat /o/f; echo ctr > /o/f; head -1 /img/etc/passwd; echo done; exec sleep 600`

// unitLog is what a unit's processes printed, as journalctl -o cat shows it.
func unitLog(sb *harness.Sandbox, unit string) string {
	out, _, _, _ := sb.Exec("journalctl", "-u", unit, "-o", "cat", "--no-pager")
	return out
}

// fixtureDir makes dir holding files (name → content) and returns it.
func fixtureDir(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// unitQuoted escapes a script for a double-quoted Exec= word: $ is
// systemd's variable sign, " ends the word.
func unitQuoted(script string) string {
	return strings.NewReplacer("$", "$$", `"`, `\"`).Replace(script)
}

// TestBootDevicesAndMounts boots Quadlet sources with AddDevice= (one
// optional and missing), every Mount= type, an anonymous and an overlay
// Volume=, ReadOnlyTmpfs= and VolatileTmp=, run by crun under systemd:
// the container prints what it sees, inspect and volume ls agree, and
// stopping the unit (--rm) removes the anonymous volume. A Rootfs= unit
// runs from a directory.
func TestBootDevicesAndMounts(t *testing.T) {
	t.Parallel()
	opts, host, sources := bootEnv(t)
	lower := fixtureDir(t, filepath.Join(host.dir, "lower"), map[string]string{"f": "lower\n"})
	exploded := fixtureDir(t, filepath.Join(host.dir, "exploded"), nil)
	host.sh("tar -xf " + filepath.Join(host.dir, "rootfs.tar") + " -C " + exploded)
	files := map[string]string{
		"devs.container": "[Container]\nImage=bb\nContainerName=devs\n" +
			"AddDevice=/dev/null:/dev/mynull:rw -/dev/podunit-no-such-device:/dev/optional\nAddDevice=/dev/fuse:/dev/f:r\n" +
			"Mount=type=image,source=bb,destination=/img\nMount=type=devpts,destination=/dev/pts2\n" +
			"Mount=type=ramfs,destination=/r\nMount=type=tmpfs,destination=/t,tmpfs-size=1m\n" +
			"Volume=/anon\nVolume=" + lower + ":/o:O\nReadOnly=yes\nReadOnlyTmpfs=no\n" +
			"Exec=sh -c \"" + unitQuoted(devUnitScript) + "\"\nStopSignal=KILL\n",
		"fromdir.container": "[Container]\nRootfs=" + exploded + "\nContainerName=fromdir\n" +
			"Exec=sh -c \"echo from-rootfs; exec sleep 600\"\nStopSignal=KILL\n",
		"vtmp.container": "[Container]\nImage=bb\nContainerName=vtmp\nVolatileTmp=yes\n" +
			"Exec=sh -c \"grep ' /tmp ' /proc/mounts; exec sleep 600\"\nStopSignal=KILL\n",
	}
	replaceSources(t, sources, files)
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "devs.service", "vtmp.service", "fromdir.service")
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	sb.Run(t, "systemctl", "start", "devs.service", "vtmp.service", "fromdir.service")
	sb.WaitActive(t, "devs.service", "active", 30*time.Second)
	sb.WaitActive(t, "vtmp.service", "active", 30*time.Second)
	journal := func(unit string) string { return unitLog(sb, unit) }
	eventually(t, 10*time.Second, "devs to print what it sees", func() bool { return strings.Contains(journal("devs.service"), "done\n") })
	eventually(t, 30*time.Second, "fromdir to run from its directory", func() bool { return strings.Contains(journal("fromdir.service"), "from-rootfs\n") })
	if got := e.field("fromdir", "{{.Rootfs}}"); got != exploded {
		t.Errorf("inspect Rootfs = %q, want %q", got, exploded)
	}
	eventually(t, 10*time.Second, "vtmp to print its /tmp", func() bool { return strings.Contains(journal("vtmp.service"), " /tmp ") })
	got := journal("devs.service")
	for _, want := range []string{" 10, 229 /dev/f\n", "crw-rw-rw- 1, 3 /dev/mynull\n", "fuse-refused\n",
		"mount /anon rw ", "mount /dev/pts2 rw devpts\n", "mount /img ro overlay\n", "mount /o rw overlay\n",
		"mount /r rw ramfs\n", "mount /t rw tmpfs\n", "tmp-ro\n", "lower\n", "root:x:0:0:root:/root:/bin/sh\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("devs printed no %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "optional-present") {
		t.Error("the optional missing device was given")
	}
	if vt := journal("vtmp.service"); !strings.Contains(vt, "tmpfs /tmp tmpfs rw") || !strings.Contains(vt, "size=524288k") {
		t.Errorf("VolatileTmp= /tmp: %q", vt)
	}
	if devs := e.field("devs", "{{range .HostConfig.Devices}}{{.PathInContainer}} {{end}}"); devs != "/dev/mynull /dev/f" {
		t.Errorf("inspect Devices = %q", devs)
	}
	vols := strings.Fields(e.must("volume", "ls", "-q"))
	if len(vols) != 1 || len(vols[0]) != 64 {
		t.Errorf("volume ls while running: %q, want one anonymous volume", vols)
	}
	if b, _ := os.ReadFile(filepath.Join(lower, "f")); string(b) != "lower\n" {
		t.Errorf("the O volume wrote through: %q", b)
	}
	sb.Run(t, "systemctl", "stop", "devs.service", "vtmp.service", "fromdir.service")
	if out := e.must("volume", "ls", "-q"); out != "" {
		t.Errorf("the anonymous volume outlived its --rm container: %q", out)
	}
}
