package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/podunit/podunit/test/harness"
)

// runcMountProbe prints the devices, the device cgroup rule's effect
// (/dev/loop-control, 10:237, opens) and the mounts a container of
// TestBootRunc sees.
const runcMountProbe = `ls -l /dev/mynull /dev/f | sed 's/  */ /g' | cut -d' ' -f1,5,6,10; ` +
	`mknod /dev/lc c 10 237 && (exec 3</dev/lc) 2>/dev/null && echo lc-open || echo lc-denied; grep -h 10:237 /sys/fs/cgroup/devices/devices.list; ` +
	`awk '$2=="/b"||$2=="/t"||$2=="/tt"||$2=="/v"||$2=="/img"||$2=="/dev/pts2"||$2=="/r" {print "mount", $2, substr($4, 1, 2), $3}' /proc/mounts | sort; ` +
	`cat /b/f; head -1 /img/etc/passwd`

// TestBootRunc boots systemd once and runs, with runc, transient units
// with the device, mount and identity flags (crun's are read by
// TestBootDevicesAndMounts and TestBootIdentity): each container's view of
// itself is read with exec. --userns private takes a range of the
// containers user's /etc/subuid; an idmapped volume is refused on runc
// older than 1.2.
func TestBootRunc(t *testing.T) {
	t.Parallel()
	opts, host, _ := bootEnv(t)
	sub := filepath.Join(host.dir, "subid")
	if err := os.WriteFile(sub, []byte("containers:1000000:1000000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := fixtureDir(t, filepath.Join(host.dir, "src"), map[string]string{"f": "bound\n"})
	opts.Binds = append(opts.Binds, sub+":/etc/subuid", sub+":/etc/subgid", src+":/srv/src")
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "podunit-rdev.service", "podunit-rid.service", "podunit-rpriv.service")
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	runc := func(args ...string) string {
		return e.must(append([]string{"--runtime", "runc", "run", "-d"}, append(args, "bb", "sleep", "600")...)...)
	}
	runc("--name", "rdev", "--device", "/dev/null:/dev/mynull:rw", "--device", "/dev/fuse:/dev/f:r",
		"--cap-add", "MKNOD", "--device-cgroup-rule", "c 10:237 r", "--mount", "type=bind,source=/srv/src,target=/b,ro",
		"--mount", "type=tmpfs,target=/t,tmpfs-size=1m", "--tmpfs", "/tt:size=2m", "--mount", "type=volume,source=rvol,target=/v",
		"--mount", "type=image,source=bb,target=/img", "--mount", "type=devpts,target=/dev/pts2", "--mount", "type=ramfs,target=/r")
	got := e.must("exec", "rdev", "sh", "-c", runcMountProbe)
	for _, want := range []string{"crw-rw-rw- 1, 3 /dev/mynull\n", " 10, 229 /dev/f\n", "lc-open\nc 10:237 r\n",
		"mount /b ro ", "mount /dev/pts2 rw devpts\n", "mount /img ro overlay\n", "mount /r rw ramfs\n", "mount /t rw tmpfs\n",
		"mount /tt rw tmpfs\n", "mount /v rw ", "bound\n", "root:x:0:0:root:/root:/bin/sh\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("rdev (runc) printed no %q:\n%s", want, got)
		}
	}
	runc("--name", "rid", "--user", "1000:1000", "--group-add", "4242", "--cap-add", "NET_ADMIN", "--cap-drop", "CHOWN",
		"--security-opt", "no-new-privileges")
	status := e.must("exec", "rid", "cat", "/proc/1/status")
	ids := strings.Fields(e.must("exec", "rid", "sh", "-c", "id -u; id -g; id -G"))
	if strings.Join(ids, " ") != "1000 1000 1000 4242" {
		t.Errorf("rid (runc): uid, gid, groups = %q, want 1000 1000 1000 4242", ids)
	}
	if statusField(status, "CapBnd") != "00000000800415fa" || statusField(status, "NoNewPrivs") != "1" {
		t.Errorf("rid (runc): CapBnd %q NoNewPrivs %q, want 00000000800415fa (defaults + NET_ADMIN - CHOWN) and 1",
			statusField(status, "CapBnd"), statusField(status, "NoNewPrivs"))
	}
	runc("--name", "rpriv", "--userns", "private")
	m := strings.Fields(e.must("exec", "rpriv", "sh", "-c", "cat /proc/self/uid_map; touch /w && echo wrote"))
	hostID, _ := strconv.Atoi(m[1])
	if size, _ := strconv.Atoi(m[2]); len(m) != 4 || m[0] != "0" || size < 1024 || hostID < 1000000 || hostID+size > 2000000 || m[3] != "wrote" {
		t.Errorf("rpriv (runc, --userns private): %q, want 0 HOST SIZE (1024 at least) from containers' range and a writable rootfs", m)
	}
	sb.Run(t, "mkdir", "-p", "/run/idm")
	r := e.run("--runtime", "runc", "run", "--rm", "--uidmap", "0:600000:65536", "-v", "/run/idm:/data:idmap", "bb", "true")
	if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, "idmap") || !strings.Contains(r.err, "runc version 1.1") {
		t.Errorf("an idmapped volume on runc 1.1: exit %d, stderr %q; want 125 naming idmap and the runc version", r.code, r.err)
	}
}
