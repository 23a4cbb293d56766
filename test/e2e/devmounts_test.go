package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/podunit/podunit/generator/unitfile"
)

// TestDevicesAndMountsOnHost runs --device, every --mount type, anonymous
// volumes, the -v options and --read-only-tmpfs with runc on the host,
// each read from inside the container.
func TestDevicesAndMountsOnHost(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	t.Run("devices", func(t *testing.T) { checkDevices(t, e) })
	t.Run("mount types", func(t *testing.T) { checkMountTypes(t, e) })
	t.Run("anonymous volumes", func(t *testing.T) { checkAnonymousVolumes(t, e) })
	t.Run("volume options", func(t *testing.T) { checkVolumeOptions(t, e) })
	t.Run("read-only tmpfs", func(t *testing.T) { checkReadOnlyTmpfs(t, e) })
	t.Run("rootfs", func(t *testing.T) { checkRootfs(t, e) })
	t.Run("generate --new round trip", func(t *testing.T) { checkStorageRoundTrip(t, e) })
	t.Run("bad input", func(t *testing.T) { checkDeviceMountBadInput(t, e) })
}

// devScript lists the devices and tries them: /dev/f (fuse, which no
// container has by default, read-only in the cgroup) opens for reading,
// not for writing.
const devScript = `ls -l /dev/mynull /dev/f | sed 's/  */ /g' | cut -d' ' -f1,5,6,10; ` +
	`echo x > /dev/mynull && echo null-ok; : < /dev/f && echo fuse-read; ` +
	`(: > /dev/f) 2>/dev/null && echo fuse-writable || echo fuse-refused`

func checkDevices(t *testing.T, e *env) {
	e = e.on(t)
	e.must("create", "--name", "devs", "--device", "/dev/null:/dev/mynull:rw", "--device", "/dev/fuse:/dev/f:r",
		"--device-cgroup-rule", "b 7:* r", "bb", "sh", "-c", devScript)
	out := e.must("start", "-a", "devs")
	fuse, err := os.Stat("/dev/fuse")
	if err != nil {
		t.Fatal(err)
	}
	mode := "c" + fuse.Mode().Perm().String()[1:] // the host's, as ls -l shows it
	want := mode + " 10, 229 /dev/f\ncrw-rw-rw- 1, 3 /dev/mynull\nnull-ok\nfuse-read\nfuse-refused\n"
	if out != want {
		t.Errorf("devices inside:\n%s\nwant:\n%s", out, want)
	}
	devs := e.field("devs", "{{range .HostConfig.Devices}}{{.PathOnHost}}:{{.PathInContainer}}:{{.CgroupPermissions}} {{end}}")
	if devs != "/dev/null:/dev/mynull:rw /dev/fuse:/dev/f:r" {
		t.Errorf("inspect HostConfig.Devices = %q", devs)
	}
	if r := e.field("devs", "{{.HostConfig.DeviceCgroupRules}}"); r != "[b 7:* r]" {
		t.Errorf("inspect DeviceCgroupRules = %q", r)
	}
	unit := e.must("generate", "systemd", "--new", "devs")
	for _, flag := range []string{"--device /dev/null:/dev/mynull:rw", "--device /dev/fuse:/dev/f:r", `--device-cgroup-rule "b 7:* r"`} {
		if !strings.Contains(unit, flag) {
			t.Errorf("generate systemd --new lost %s:\n%s", flag, unit)
		}
	}
	e.must("rm", "devs")
	// --privileged: the host's devices, as with Podman; /dev/fuse is none
	// of a container's own, and the plain container above had to ask for it
	if out := e.must("run", "--rm", "--privileged", "bb", "sh", "-c", "ls -l /dev/fuse | cut -c1"); out != "c\n" {
		t.Errorf("--privileged container's /dev/fuse: %q, want a character device", out)
	}
	if r := e.run("run", "--rm", "bb", "ls", "/dev/fuse"); r.code == 0 {
		t.Error("an unprivileged container has the host's /dev/fuse")
	}
}

func checkMountTypes(t *testing.T, e *env) {
	e = e.on(t)
	libs := filepath.Join(e.dir, "libs")
	os.MkdirAll(libs, 0o755)
	for _, f := range []string{"liba.so", "libb.so", "other"} {
		os.WriteFile(filepath.Join(libs, f), []byte(f+"\n"), 0o644)
	}
	script := `cat /img/etc/passwd | head -1; touch /img/x 2>/dev/null && echo img-writable; ` +
		`echo w > /imgrw/etc/written && cat /imgrw/etc/written; ` +
		`cat /g/liba.so /g/libb.so; test -e /g/other && echo other-bound; ` +
		`awk '$2=="/img"||$2=="/imgrw"||$2=="/dev/pts2"||$2=="/r"||$2=="/g/liba.so" {print $2, substr($4, 1, 2), $3}' /proc/mounts | sort; ` +
		`echo r > /r/f && cat /r/f`
	out := e.must("run", "--rm", "--mount", "type=image,src=bb,dst=/img", "--mount", "type=image,src=bb,dst=/imgrw,rw=true",
		"--mount", "type=devpts,dst=/dev/pts2",
		"--mount", "type=ramfs,dst=/r", "--mount", "type=glob,src="+libs+"/lib*,dst=/g,ro",
		"bb", "sh", "-c", script)
	got := out
	want := "root:x:0:0:root:/root:/bin/sh\nw\nliba.so\nlibb.so\n" +
		"/dev/pts2 rw devpts\n/g/liba.so ro " + fsType(t, libs) + "\n/img ro overlay\n/imgrw rw overlay\n/r rw ramfs\nr\n"
	if got != want {
		t.Errorf("mounts inside:\n%s\nwant:\n%s", got, want)
	}
	if r := e.run("run", "--rm", "--mount", "type=image,src=bb,dst=/i", "bb", "test", "-e", "/i/etc/written"); r.code != 1 {
		t.Errorf("a rw=true image mount wrote into the image: exit %d, stderr %q", r.code, r.err)
	}
	// the image's mount goes with the container
	if mi, _ := os.ReadFile("/proc/self/mountinfo"); strings.Contains(string(mi), filepath.Join(e.dir, "root", "overlay")) {
		t.Errorf("a layer stays mounted after run --rm:\n%s", mi)
	}
	// an image a container mounts is in use: rmi (even -f) and prune keep it
	e.must("tag", "bb", "mounted")
	e.must("create", "--name", "imgmnt", "--mount", "type=image,src=mounted,dst=/i", "bb", "true")
	e.must("rmi", "mounted") // one of bb's names: only the name goes
	e.must("rm", "imgmnt")
	e.must("run", "--name", "mk", "bb", "sh", "-c", "echo x > /x")
	e.must("commit", "mk", "mountonly") // an image of its own, not another name of bb's
	e.must("rm", "mk")
	e.must("create", "--name", "imgmnt", "--mount", "type=image,src=mountonly,dst=/i", "bb", "true")
	for _, args := range [][]string{{"rmi", "mountonly"}, {"rmi", "-f", "mountonly"}} {
		if r := e.run(args...); r.code != 2 || !strings.Contains(r.err, "imgmnt") {
			t.Errorf("%q of an image a container mounts: exit %d, %q; want 2 naming the container", args, r.code, r.err)
		}
	}
	e.must("image", "prune", "-a", "-f")
	if r := e.run("image", "exists", "mountonly"); r.code != 0 {
		t.Error("image prune -a removed an image a container mounts")
	}
	e.must("rm", "imgmnt")
	e.must("rmi", "mountonly")
}

// fsType is the file system type of the host path p, as mountinfo says.
func fsType(t *testing.T, p string) string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(p, &st); err != nil {
		t.Fatal(err)
	}
	switch st.Type {
	case 0x01021994:
		return "tmpfs"
	case 0xEF53:
		return "ext4"
	case 0x794c7630:
		return "overlay"
	case 0x58465342:
		return "xfs"
	}
	return "unknown"
}

func checkAnonymousVolumes(t *testing.T, e *env) {
	e = e.on(t)
	before := e.must("volume", "ls", "-q")
	e.must("create", "--name", "anon", "-v", "/data", "--mount", "type=volume,dst=/more", "bb", "sh", "-c", "echo a > /data/f")
	e.must("start", "-a", "anon")
	vols := strings.Fields(strings.TrimPrefix(e.must("volume", "ls", "-q"), before))
	if len(vols) != 2 || len(vols[0]) != 64 {
		t.Fatalf("volume ls after -v /data: %q", vols)
	}
	names := e.field("anon", "{{range .Mounts}}{{.Type}}:{{.Name}}:{{.Destination}} {{end}}")
	if !strings.Contains(names, "volume:") || !strings.Contains(names, ":/data") || !strings.Contains(names, ":/more") {
		t.Errorf("inspect Mounts = %q", names)
	}
	if b, _ := os.ReadFile(filepath.Join(volumeData(e, vols[0]), "f")); string(b) != "a\n" {
		if b, _ = os.ReadFile(filepath.Join(volumeData(e, vols[1]), "f")); string(b) != "a\n" {
			t.Errorf("the anonymous volume did not keep /data/f")
		}
	}
	e.must("volume", "create", "named")
	e.must("create", "--name", "mixed", "-v", "named:/n", "-v", "/a", "bb", "true")
	e.must("rm", "-v", "anon")
	e.must("rm", "-v", "mixed")
	if after := e.must("volume", "ls", "-q"); after != before+"named\n" {
		t.Errorf("rm -v left %q, want only the named volume", after)
	}
	e.must("create", "--name", "rep", "-v", "/old", "bb", "true")
	e.must("create", "--replace", "--name", "rep", "-v", "/new", "bb", "true")
	if vols := strings.Fields(strings.TrimPrefix(e.must("volume", "ls", "-q"), before)); len(vols) != 2 {
		t.Errorf("after --replace: %q, want the new anonymous volume and the named one", vols)
	}
	e.must("rm", "-v", "rep")
	e.must("run", "--rm", "-v", "/gone", "bb", "true")
	if after := e.must("volume", "ls", "-q"); after != before+"named\n" {
		t.Errorf("run --rm left its anonymous volume: %q", after)
	}
	e.must("volume", "rm", "named")
}

func checkVolumeOptions(t *testing.T, e *env) {
	e = e.on(t)
	host := filepath.Join(e.dir, "opts")
	os.MkdirAll(filepath.Join(host, "sub"), 0o755)
	os.WriteFile(filepath.Join(host, "sub", "f"), []byte("host\n"), 0o644)
	// O: the container writes to an overlay; the host directory is untouched.
	out := e.must("run", "--rm", "-v", host+":/o:O", "bb", "sh", "-c",
		"cat /o/sub/f; echo ctr > /o/sub/f; echo new > /o/n; cat /o/sub/f; awk '$2==\"/o\" {print $3}' /proc/mounts")
	if out != "host\nctr\noverlay\n" {
		t.Errorf(":O container saw %q", out)
	}
	if b, _ := os.ReadFile(filepath.Join(host, "sub", "f")); string(b) != "host\n" {
		t.Errorf(":O wrote through to the host: %q", b)
	}
	if _, err := os.Stat(filepath.Join(host, "n")); !os.IsNotExist(err) {
		t.Errorf(":O created a file on the host")
	}
	// O,upperdir=,workdir=: the writes stay in the given upper directory.
	upper, work := filepath.Join(e.dir, "upper"), filepath.Join(e.dir, "work")
	os.MkdirAll(upper, 0o755)
	os.MkdirAll(work, 0o755)
	e.must("run", "--rm", "-v", host+":/o:O,upperdir="+upper+",workdir="+work, "bb", "sh", "-c", "echo kept > /o/k")
	if b, _ := os.ReadFile(filepath.Join(upper, "k")); string(b) != "kept\n" {
		t.Errorf(":O,upperdir= upper holds %q", b)
	}
	if out := e.must("run", "--rm", "-v", host+":/o:O,upperdir="+upper+",workdir="+work, "bb", "cat", "/o/k"); out != "kept\n" {
		t.Errorf("a second container over the same upper directory reads %q", out)
	}
	// U: the source is chowned to the container's user; z and Z are accepted.
	e.must("run", "--rm", "-u", "1234:5678", "-v", host+":/u:U,z", "bb", "true")
	for _, p := range []string{host, filepath.Join(host, "sub", "f")} {
		st, err := os.Stat(p)
		if s, ok := st.Sys().(*syscall.Stat_t); err != nil || !ok || s.Uid != 1234 || s.Gid != 5678 {
			t.Errorf(":U left %s owned by %+v, %v", p, st.Sys(), err)
		}
	}
	// ro binds refuse writes.
	if r := e.run("run", "--rm", "-v", host+":/ro:ro,Z", "bb", "touch", "/ro/x"); r.code == 0 {
		t.Error(":ro bind was writable")
	}
}

func checkReadOnlyTmpfs(t *testing.T, e *env) {
	e = e.on(t)
	probe := "for d in /tmp /var/tmp /run /dev/shm; do mkdir -p $d 2>/dev/null; touch $d/x 2>/dev/null && echo $d rw || echo $d ro; done"
	if out := e.must("run", "--rm", "--read-only", "bb", "sh", "-c", probe); out != "/tmp rw\n/var/tmp rw\n/run rw\n/dev/shm rw\n" {
		t.Errorf("--read-only: %q", out)
	}
	if out := e.must("run", "--rm", "--read-only", "--read-only-tmpfs=false", "bb", "sh", "-c", probe); out != "/tmp ro\n/var/tmp ro\n/run ro\n/dev/shm ro\n" {
		t.Errorf("--read-only --read-only-tmpfs=false: %q", out)
	}
	if out := e.must("run", "--rm", "--read-only-tmpfs=false", "bb", "sh", "-c", probe); out != "/tmp rw\n/var/tmp rw\n/run rw\n/dev/shm rw\n" {
		t.Errorf("--read-only-tmpfs=false alone: %q", out)
	}
}

// checkRootfs runs a container from a directory: no image, no storage
// rootfs; inspect, generate --new, system check and rm know it.
func checkRootfs(t *testing.T, e *env) {
	e = e.on(t)
	dir := filepath.Join(e.dir, "exploded")
	os.MkdirAll(dir, 0o755)
	e.sh("tar -xf " + filepath.Join(e.dir, "rootfs.tar") + " -C " + dir)
	os.WriteFile(filepath.Join(dir, "marker"), []byte("from-dir\n"), 0o644)
	e.must("create", "--name", "fromdir", "-v", "/anon", "--rootfs", dir, "sh", "-c", "cat /marker; echo ctr > /written")
	if out := e.must("start", "-a", "fromdir"); out != "from-dir\n" {
		t.Errorf("--rootfs container printed %q", out)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "written")); string(b) != "ctr\n" {
		t.Errorf("the container's write did not reach its directory: %q", b)
	}
	if got := e.field("fromdir", "{{.Rootfs}}|{{.ImageName}}"); got != dir+"|" {
		t.Errorf("inspect Rootfs|ImageName = %q", got)
	}
	if unit := e.must("generate", "systemd", "--new", "fromdir"); !strings.Contains(unit, "--rootfs "+dir+" sh -c") {
		t.Errorf("generate --new lost --rootfs:\n%s", unit)
	}
	if out := e.must("system", "check"); strings.Contains(out, "fromdir") || strings.Contains(out, e.field("fromdir", "{{.Id}}")[:12]) {
		t.Errorf("system check takes the --rootfs container for damaged:\n%s", out)
	}
	for _, verb := range [][]string{{"diff", "fromdir"}, {"export", "-o", filepath.Join(e.dir, "x.tar"), "fromdir"}, {"commit", "fromdir", "img"}} {
		if r := e.run(verb...); r.code != 125 || !strings.Contains(r.err, "--rootfs") {
			t.Errorf("%s of a --rootfs container: exit %d, %q", verb[0], r.code, r.err)
		}
	}
	e.must("rm", "-v", "fromdir")
	if _, err := os.Stat(filepath.Join(dir, "marker")); err != nil {
		t.Errorf("rm touched the --rootfs directory: %v", err)
	}
	if r := e.run("create", "--rootfs", filepath.Join(e.dir, "no-such-dir"), "true"); r.code != 125 || !strings.Contains(r.err, "--rootfs") {
		t.Errorf("--rootfs of a missing directory: exit %d, %q", r.code, r.err)
	}
}

// checkStorageRoundTrip: a container made from the run line generate
// systemd --new writes has the same devices, mounts and tmpfs choice
// (but a fresh anonymous volume).
func checkStorageRoundTrip(t *testing.T, e *env) {
	e = e.on(t)
	host := fixtureDir(t, filepath.Join(e.dir, "rt"), map[string]string{"f": "x"})
	e.must("create", "--name", "orig", "-v", "/anon", "-v", host+":/o:O,rshared", "-v", "rtvol:/n:ro,nocopy,U",
		"--mount", "type=image,src=bb,dst=/img", "--mount", "type=devpts,dst=/dev/pts2,mode=600",
		"--mount", "type=ramfs,dst=/r,tmpfs-mode=700", "--device", "/dev/null:/dev/n:rw",
		"--device-cgroup-rule", "c 1:3 r", "--read-only", "--read-only-tmpfs=false", "bb", "true")
	unit, err := unitfile.Parse("orig.service", []byte(e.must("generate", "systemd", "--new", "orig")))
	if err != nil {
		t.Fatal(err)
	}
	start, _ := unit.Section("Service").Lookup("ExecStart")
	words, err := unitfile.SplitWords(start.Value)
	if err != nil || !slices.Contains(words, "run") {
		t.Fatalf("ExecStart=%s: %v", start.Value, err)
	}
	args := []string{"create", "--name", "copy"}
	for i := slices.Index(words, "run") + 1; i < len(words); i++ {
		switch words[i] {
		case "--unit", "--replace", "--rm":
		case "--name":
			i++
		default:
			args = append(args, words[i])
		}
	}
	e.must(args...)
	same := "{{json .HostConfig.Devices}} {{json .HostConfig.DeviceCgroupRules}} {{.HostConfig.ReadonlyRootfs}} " +
		"{{range .Mounts}}{{.Type}} {{.Destination}} {{.Options}} {{.RW}}; {{end}}"
	if a, b := e.field("orig", same), e.field("copy", same); a != b {
		t.Errorf("generate --new lost something:\n orig %s\n copy %s", a, b)
	}
	e.must("rm", "-v", "orig", "copy")
	e.must("volume", "rm", "rtvol")
}

func checkDeviceMountBadInput(t *testing.T, e *env) {
	e = e.on(t)
	cases := [][3]string{ // flag, value, what the error must name
		{"--device", "/dev/podunit-no-such-device", "/dev/podunit-no-such-device"},
		{"--device", "/etc/hostname", "/etc/hostname"},
		{"--device", "/dev/null:/dev/n:rwx", "/dev/null:/dev/n:rwx"},
		{"--device-cgroup-rule", "c 1:3 rwx", "c 1:3 rwx"},
		{"--mount", "type=nfs,dst=/x", "type=nfs"},
		{"--mount", "type=image,src=no-such-image,dst=/x", "no-such-image"},
		{"--mount", "type=glob,src=/podunit-no-such-*,dst=/x", "/podunit-no-such-*"},
		{"-v", "/tmp:/x:idmap=uids=0-1-10", "idmap=uids=0-1-10"},
		{"-v", "/tmp:/x:bogus", "bogus"},
	}
	before := snapshot(e) + e.must("volume", "ls", "-q")
	for _, c := range cases {
		r := e.run("create", c[0], c[1], "bb", "true")
		flag := strings.Contains(r.err, c[0]) || c[0] == "-v" && strings.Contains(r.err, "volume")
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !flag || !strings.Contains(r.err, c[2]) {
			t.Errorf("create %s %q: exit %d, stderr %q; want 125 and an Error: naming flag and value", c[0], c[1], r.code, r.err)
		}
	}
	// idmapped mounts need a user namespace, and a runtime that makes them
	for _, c := range [][]string{
		{"create", "-v", "/tmp:/x:idmap", "bb", "true"},
		{"create", "--mount", "type=bind,src=/tmp,dst=/x,idmap", "bb", "true"},
		{"--runtime", "runc", "create", "--uidmap", "0:600000:65536", "-v", "/tmp:/x:idmap", "bb", "true"},
	} {
		r := e.run(c...)
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, "idmap") {
			t.Errorf("%q: exit %d, stderr %q; want 125 and an Error: about idmap", c, r.code, r.err)
		}
	}
	if after := snapshot(e) + e.must("volume", "ls", "-q"); after != before {
		t.Errorf("bad input changed something:\n%s\nthen:\n%s", before, after)
	}
}
