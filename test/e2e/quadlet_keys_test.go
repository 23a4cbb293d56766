package e2e

import (
	"encoding/base64"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
	"github.com/podunit/podunit/test/testimage"
)

// ctrKeysScript prints what the [Container] resource keys set, as the
// container sees it under systemd; $1 is the Exec= word "100%".
const ctrKeysScript = `cg() { cat $1 2>/dev/null || cat $2; }
echo mem=$(cg /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max) pids=$(cg /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max) nofile=$(ulimit -n)
echo ttl=$(cat /proc/sys/net/ipv4/ip_default_ttl) msgmax=$(cat /proc/sys/kernel/msgmax)
grep -E ' /(scratch|dev/shm|tmp) ' /proc/mounts
echo pwd=$(pwd) id=$(id -u):$(id -g)
(touch /rootfile 2>/dev/null && echo root-writable) || echo root-readonly
touch /tmp/x && echo tmp-writable
echo env=$UNIT_NAME/$RATE/$HOMEDIR arg=$1
echo done
exec sleep 600`

// TestBootQuadletContainerKeys boots a .container with the resource and
// process keys (Memory=, PidsLimit=, Ulimit=, Sysctl=, Tmpfs=, ShmSize=,
// ReadOnly=, ReadOnlyTmpfs=, WorkingDir=, User=, Group=, Environment= with
// specifiers and a word ending in a lone %) and reads each effect inside
// the container that systemd runs.
func TestBootQuadletContainerKeys(t *testing.T) {
	t.Parallel()
	opts, _, sources := bootEnv(t)
	replaceSources(t, sources, map[string]string{
		"ctrkeys.container": "[Container]\nImage=bb\nContainerName=ctrkeys\nMemory=64m\nPidsLimit=77\n" +
			"Ulimit=nofile=1234:1234\nSysctl=net.ipv4.ip_default_ttl=42 kernel.msgmax=9999\n" +
			"Tmpfs=/scratch:size=2m\nShmSize=7m\nReadOnly=yes\nReadOnlyTmpfs=yes\nWorkingDir=/tmp\n" +
			"User=1234\nGroup=2345\nEnvironment=UNIT_NAME=%N RATE=100% HOMEDIR=%h\n" +
			"Exec=sh -c \"" + unitQuoted(strings.ReplaceAll(ctrKeysScript, "\n", "; ")) + "\" sh 100%\nStopSignal=KILL\n",
	})
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "ctrkeys.service")
	sb.Run(t, "systemctl", "start", "ctrkeys.service")
	sb.WaitActive(t, "ctrkeys.service", "active", 30*time.Second)
	eventually(t, 15*time.Second, "ctrkeys to print what it sees", func() bool {
		return strings.Contains(unitLog(sb, "ctrkeys.service"), "done\n")
	})
	out := unitLog(sb, "ctrkeys.service")
	for _, want := range []string{
		"nofile=1234\n",                    // Ulimit=
		"ttl=42 msgmax=9999\n",             // Sysctl=
		"/scratch tmpfs rw,", "size=2048k", // Tmpfs=
		"size=7168k",                        // ShmSize=
		"pwd=/tmp id=1234:2345\n",           // WorkingDir=, User=, Group=
		"root-readonly\n", "tmp-writable\n", // ReadOnly=, ReadOnlyTmpfs=
		"env=ctrkeys/100%//root arg=100%\n", // %N, %h, a lone % ending a word
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ctrkeys' output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(mountLine(out, "/dev/shm"), "size=7168k") || !strings.Contains(mountLine(out, "/tmp"), "tmpfs") {
		t.Errorf("ShmSize=7m or ReadOnlyTmpfs=yes: mounts\n%s", out)
	}
	sb.Run(t, "systemctl", "stop", "ctrkeys.service")
}

// hostOwner is UID:GID of a user and a group of this host.
func hostOwner(t *testing.T, name, group string) string {
	t.Helper()
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	g, err := user.LookupGroup(group)
	if err != nil {
		t.Fatal(err)
	}
	return u.Uid + ":" + g.Gid
}

// mountLine is the line of /proc/mounts output (in out) for target.
func mountLine(out, target string) string {
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 3 && f[1] == target {
			return l
		}
	}
	return ""
}

// TestBootQuadletVolumeKeys boots .volume files with Device=, Type= and
// Options= (a tmpfs with a size, a bind of a host directory), Label=,
// PodmanArgs=, GlobalArgs=, ServiceName= and User=/Group= given as names,
// and a container (with [Quadlet] DefaultDependencies=no) that mounts all three; a
// volume's own [Service] RemainAfterExit=no is kept and its own ExecStart=
// runs before the volume is created. ContainersConfModule= reaches the
// volume's podunit: a valid module creates the volume, a malformed one
// fails the unit naming the module's file.
func TestBootQuadletVolumeKeys(t *testing.T) {
	t.Parallel()
	opts, host, sources := bootEnv(t)
	shared := fixtureDir(t, filepath.Join(host.dir, "shared"), map[string]string{"marker": "from-bound-dir\n"})
	replaceSources(t, sources, map[string]string{
		"scratch.volume": "[Volume]\nVolumeName=scratch\nDevice=tmpfs\nType=tmpfs\nOptions=size=3m\n" +
			"Label=kind=scratch \"note=two words\"\nPodmanArgs=--label=from=args\nGlobalArgs=--log-level=info\nServiceName=scratchvol\n",
		"bound.volume": "[Volume]\nVolumeName=bound\nDevice=" + shared + "\nType=none\nOptions=bind\n" +
			"[Service]\nRemainAfterExit=no\n" + // kept, as Quadlet keeps it
			"ExecStart=/bin/sh -c \"echo from-user-execstart > " + shared + "/pre\"\n", // runs before podunit's, as in Quadlet
		"owned.volume":  "[Volume]\nVolumeName=owned\nUser=nobody\nGroup=daemon\n",
		"modvol.volume": "[Volume]\nVolumeName=modvol\nContainersConfModule=/etc/podunit/systemd/env.conf\n",
		"badmod.volume": "[Volume]\nVolumeName=badmod\nContainersConfModule=/etc/podunit/systemd/broken.conf\n",
		"env.conf":      "[engine]\nenv = [\"PODUNIT_E2E=1\"]\n",
		"broken.conf":   "[engine\nenv = 1\n",
		"vols.container": "[Container]\nImage=bb\nContainerName=vols\nVolume=scratch.volume:/s\n" +
			"Volume=bound.volume:/b\nVolume=owned.volume:/o\nStopSignal=KILL\n[Quadlet]\nDefaultDependencies=no\n[Container]\n" +
			"Exec=sh -c \"grep ' /s ' /proc/mounts; cat /b/marker /b/pre; stat -c owner=%%u:%%g /o; echo done; exec sleep 600\"\n",
	})
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "vols.service", "scratchvol.service", "bound-volume.service", "owned-volume.service")
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	sb.Run(t, "systemctl", "start", "vols.service")
	sb.WaitActive(t, "vols.service", "active", 30*time.Second)
	eventually(t, 15*time.Second, "vols to print its mounts", func() bool { return strings.Contains(unitLog(sb, "vols.service"), "done\n") })
	out := unitLog(sb, "vols.service")
	if l := mountLine(out, "/s"); !strings.HasPrefix(l, "tmpfs /s tmpfs ") || !strings.Contains(l, "size=3072k") {
		t.Errorf("Device=tmpfs Type=tmpfs Options=size=3m: mount %q\n%s", l, out)
	}
	owner := hostOwner(t, "nobody", "daemon") // the generator reads the host's files, as Quadlet
	for _, want := range []string{"from-bound-dir\n", "from-user-execstart\n", "owner=" + owner + "\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("vols' output lacks %q:\n%s", want, out)
		}
	}
	if got := e.must("volume", "inspect", "--format", "{{.Labels.kind}}/{{.Labels.note}}/{{.Labels.from}}", "scratch"); got != "scratch/two words/args\n" {
		t.Errorf("Label= and PodmanArgs=--label on the volume: %q", got)
	}
	if wants, _, _, _ := sb.Exec("systemctl", "show", "-p", "Wants", "--value", "vols.service"); strings.Contains(wants, "network-online.target") {
		t.Errorf("[Quadlet] DefaultDependencies=no: vols.service wants %q", wants)
	}
	if got := e.must("volume", "inspect", "--format", "{{.Options.uid}}:{{.Options.gid}}", "owned"); got != owner+"\n" {
		t.Errorf("User=nobody Group=daemon: options %q", got)
	}
	if got := e.must("volume", "inspect", "--format", "{{.Options.type}} {{.Options.o}} {{.Options.device}}", "bound"); got != "none bind "+shared+"\n" {
		t.Errorf("bound's options: %q", got)
	}
	sb.Run(t, "systemctl", "start", "modvol-volume.service")
	e.must("volume", "inspect", "modvol")
	if _, _, code, _ := sb.Exec("systemctl", "start", "badmod-volume.service"); code == 0 || !strings.Contains(unitLog(sb, "badmod-volume.service"), "broken.conf") {
		t.Errorf("ContainersConfModule= of a malformed module: badmod-volume.service started (exit %d) or its log does not name the file:\n%s",
			code, unitLog(sb, "badmod-volume.service"))
	}
	if r := e.run("volume", "inspect", "badmod"); r.code == 0 {
		t.Errorf("a volume whose unit's module is malformed was created")
	}
	if state, _, _, _ := sb.Exec("systemctl", "is-active", "bound-volume.service"); state != "inactive\n" {
		t.Errorf("[Service] RemainAfterExit=no in bound.volume: the unit is %q after its run, want inactive", state)
	}
	sb.Run(t, "systemctl", "stop", "vols.service")
}

// TestBootQuadletImageKeys boots .image files that pull from registries
// on the host's loopback: AuthFile= and Creds= against a registry that
// wants a password, CertDir= against one with a certificate nobody trusts,
// AllTags= of a repository, ServiceName=, GlobalArgs=--root/--runroot (the
// image lands in that store only), and DecryptionKey= with the private key
// of an openssl key pair whose public key podunit push --encryption-key
// encrypted the image for: the image runs, the same kind of image without
// the key fails its unit naming --decryption-key, and a .container pulls
// another with PodmanArgs=--decryption-key= and runs it.
// ContainersConfModule= on an .image and a .container names a module whose
// [engine] env points the pull at a registries.conf that marks the
// registry insecure (the units give no --tls-verify=false).
func TestBootQuadletImageKeys(t *testing.T) {
	t.Parallel()
	opts, host, sources := bootEnv(t)
	pub, priv := opensslKeyPair(t, filepath.Join(host.dir, "enckeys"))
	authReg := testimage.StartAuthRegistry(t, "alice", "s3cret")
	testimage.PushImage(t, authReg+"/podunit/auth:1", testimage.Config{}, "alice", "s3cret")
	testimage.PushImage(t, authReg+"/podunit/creds:1", testimage.Config{}, "alice", "s3cret")
	plainReg := testimage.StartRegistry(t)
	testimage.PushImage(t, plainReg+"/podunit/tags:a", testimage.Config{Labels: map[string]string{"t": "a"}})
	testimage.PushImage(t, plainReg+"/podunit/tags:b", testimage.Config{Labels: map[string]string{"t": "b"}})
	testimage.PushImage(t, plainReg+"/podunit/alt:1", testimage.Config{})
	// the host's push reads registries.conf; two pushes, two random layer keys: no blob to share
	fixtureDir(t, host.dir, map[string]string{"registries.conf": "unqualified-search-registries = []\n"})
	for _, repo := range []string{"enc", "nokey", "encctr"} {
		host.must("--root", filepath.Join(host.dir, "storage"), "--runroot", filepath.Join(host.dir, "hostrun"),
			"push", "--tls-verify=false", "--encryption-key", "jwe:"+pub, "bb", plainReg+"/podunit/"+repo+":1")
	}
	altRoot := filepath.Join(host.dir, "altroot")
	tlsPlain, tlsSecure, cert := testimage.StartTLSRegistry(t)
	testimage.PushImage(t, tlsPlain+"/podunit/tls:1", testimage.Config{})
	certs := fixtureDir(t, filepath.Join(host.dir, "certs"), map[string]string{"ca.crt": string(cert)})
	auth := base64.StdEncoding.EncodeToString([]byte("alice:s3cret"))
	authDir := fixtureDir(t, filepath.Join(host.dir, "auth"), map[string]string{
		"auth.json": `{"auths":{"` + authReg + `":{"auth":"` + auth + `"}}}`})
	replaceSources(t, sources, map[string]string{
		"auth.image":  "[Image]\nImage=" + authReg + "/podunit/auth:1\nTLSVerify=false\nAuthFile=" + authDir + "/auth.json\n",
		"creds.image": "[Image]\nImage=" + authReg + "/podunit/creds:1\nTLSVerify=false\nCreds=alice:s3cret\nServiceName=credsimg\n",
		"tls.image":   "[Image]\nImage=" + tlsSecure + "/podunit/tls:1\nCertDir=" + certs + "\n",
		"tags.image":  "[Image]\nImage=" + plainReg + "/podunit/tags\nTLSVerify=false\nAllTags=yes\n",
		"enc.image":   "[Image]\nImage=" + plainReg + "/podunit/enc:1\nTLSVerify=false\nDecryptionKey=" + priv + "\n",
		"nokey.image": "[Image]\nImage=" + plainReg + "/podunit/nokey:1\nTLSVerify=false\n",
		"alt.image": "[Image]\nImage=" + plainReg + "/podunit/alt:1\nTLSVerify=false\n" +
			"GlobalArgs=--root " + altRoot + " --runroot /run/altrun\n",
		// no TLSVerify=false: the module's [engine] env names a registries.conf that marks the registry insecure
		"mod.image":         "[Image]\nImage=" + plainReg + "/podunit/alt:1\nContainersConfModule=/etc/podunit/systemd/insecure.conf\n",
		"insecure.conf":     "[engine]\nenv = [\"CONTAINERS_REGISTRIES_CONF=/etc/podunit/systemd/insecure-reg.conf\"]\n",
		"insecure-reg.conf": "[[registry]]\nlocation = \"" + plainReg + "\"\ninsecure = true\n",
		// a .container's own pull: the module (on its ExecStart=) and PodmanArgs=--decryption-key
		"encctr.container": "[Container]\nImage=" + plainReg + "/podunit/encctr:1\nContainerName=encctr\nStopSignal=KILL\n" +
			"ContainersConfModule=/etc/podunit/systemd/insecure.conf\nPodmanArgs=--decryption-key=" + priv + "\n" +
			"Exec=sh -c \"echo decrypted-in-unit; exec sleep 600\"\n",
	})
	sb := harness.Boot(t, opts)
	units := []string{"auth-image.service", "credsimg.service", "tls-image.service", "tags-image.service",
		"enc-image.service", "alt-image.service", "mod-image.service", "encctr.service"}
	sb.DumpOnFailure(t, units...)
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	sb.Run(t, "systemctl", append([]string{"start"}, units...)...)
	for _, u := range units {
		sb.WaitActive(t, u, "active", 30*time.Second)
	}
	got := e.must("images", "--format", "{{.Repository}}:{{.Tag}}")
	for _, want := range []string{authReg + "/podunit/auth:1", authReg + "/podunit/creds:1", tlsSecure + "/podunit/tls:1",
		plainReg + "/podunit/tags:a", plainReg + "/podunit/tags:b"} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("images lack %s:\n%s", want, got)
		}
	}
	if _, _, code, _ := sb.Exec("systemctl", "cat", "creds-image.service"); code == 0 {
		t.Errorf("ServiceName=credsimg: creds-image.service exists too")
	}
	if out := e.must("run", "--rm", plainReg+"/podunit/enc:1", "sh", "-c", "echo decrypted"); out != "decrypted\n" {
		t.Errorf("DecryptionKey=: a container of the decrypted image printed %q", out)
	}
	eventually(t, 15*time.Second, "encctr (an encrypted image pulled by its own unit) to print", func() bool {
		return strings.Contains(unitLog(sb, "encctr.service"), "decrypted-in-unit\n")
	})
	sb.Run(t, "systemctl", "stop", "encctr.service")
	if _, _, code, _ := sb.Exec("systemctl", "start", "nokey-image.service"); code == 0 || !strings.Contains(unitLog(sb, "nokey-image.service"), "--decryption-key") {
		t.Errorf("an encrypted image without DecryptionKey=: nokey-image.service started (exit %d) or its log does not name --decryption-key:\n%s",
			code, unitLog(sb, "nokey-image.service"))
	}
	if !strings.Contains(got, plainReg+"/podunit/alt:1\n") {
		t.Errorf("ContainersConfModule= on mod.image: its pull from the insecure registry did not land:\n%s", got)
	}
	alt := e.must("--root", altRoot, "--runroot", "/run/altrun", "images", "--format", "{{.Repository}}:{{.Tag}}")
	if !strings.Contains(alt, plainReg+"/podunit/alt:1\n") || strings.Contains(alt, "podunit/tags") {
		t.Errorf("GlobalArgs=--root: the store at --root has %q, the default one %q", alt, got)
	}
}

// opensslKeyPair makes an RSA key pair in dir with openssl: the public
// key's PEM file and the private key's.
func opensslKeyPair(t *testing.T, dir string) (string, string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	pub, priv := filepath.Join(dir, "pub.pem"), filepath.Join(dir, "priv.pem")
	for _, args := range [][]string{{"genrsa", "-out", priv, "2048"}, {"rsa", "-in", priv, "-pubout", "-out", pub}} {
		if out, err := exec.Command("openssl", args...).CombinedOutput(); err != nil {
			t.Fatalf("openssl %v: %v\n%s", args, err, out)
		}
	}
	return pub, priv
}

// keysPodFiles are the .pod sources of TestBootQuadletPodKeys: three pods,
// each with one member that prints its ID maps and addresses.
func keysPodFiles() map[string]string {
	member := func(pod string) string {
		return "[Container]\nImage=bb\nContainerName=" + pod + "-m\nPod=" + pod + ".pod\nStopSignal=KILL\n" +
			"Exec=sh -c \"cat /proc/self/uid_map /proc/self/gid_map; ip -4 -o addr; grep ' /dev/shm ' /proc/mounts; " +
			"echo hi-from-" + pod + " > /tmp/index.html; echo done; exec httpd -f -p 80 -h /tmp\"\n"
	}
	return map[string]string{
		"ns.pod": "[Pod]\nPodName=ns\nServiceName=nspod\nUserNS=auto:size=70000\nLabel=tier=web \"note=two words\"\nPodmanArgs=--label=from=args\n" +
			"PublishPort=127.0.0.1:18181:80\nShmSize=8m\n",
		"sub.pod": "[Pod]\nPodName=sub\nSubUIDMap=containers\nSubGIDMap=containers\n" +
			"ContainersConfModule=/etc/podunit/systemd/net1.conf\n",
		"remap.pod": "[Pod]\nPodName=remap\nRemapUsers=manual\nRemapUid=0:600000:65536\nRemapGid=0:700000:65536\n" +
			"GlobalArgs=--module /etc/podunit/systemd/net2.conf\n",
		"rsz.pod":        "[Pod]\nPodName=rsz\nRemapUsers=auto\nRemapUidSize=70001\n",
		"net1.network":   "[Network]\nNetworkName=modnet1\nSubnet=10.89.71.0/24\n",
		"net2.network":   "[Network]\nNetworkName=modnet2\nSubnet=10.89.72.0/24\n",
		"net1.conf":      "[network]\ndefault_network = \"modnet1\"\n",
		"net2.conf":      "[network]\ndefault_network = \"modnet2\"\n",
		"ns-m.container": member("ns"), "sub-m.container": member("sub"), "remap-m.container": member("remap"),
		"rsz-m.container": member("rsz"),
	}
}

// TestBootQuadletPodKeys boots, with a network namespace of its own, pods
// with UserNS=, SubUIDMap=/SubGIDMap=, RemapUsers=/RemapUid=/RemapGid=,
// RemapUsers=auto with RemapUidSize=,
// Label=, PodmanArgs=, PublishPort=, ShmSize=, ServiceName=, ContainersConfModule= and
// GlobalArgs= (each module making a network the pod's default): members
// show the ID maps, /dev/shm and addresses, and the published port
// answers on the sandbox's loopback.
func TestBootQuadletPodKeys(t *testing.T) {
	t.Parallel()
	opts, host, sources := bootEnv(t)
	opts.Net = true
	sub := filepath.Join(host.dir, "subid")
	if err := os.WriteFile(sub, []byte("containers:1000000:1000000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts.Binds = append(opts.Binds, sub+":/etc/subuid", sub+":/etc/subgid")
	replaceSources(t, sources, keysPodFiles())
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "nspod.service", "sub-pod.service", "remap-pod.service", "rsz-pod.service",
		"ns-m.service", "sub-m.service", "remap-m.service", "rsz-m.service")
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	sb.Run(t, "systemctl", "start", "net1-network.service", "net2-network.service")
	sb.Run(t, "systemctl", "start", "nspod.service", "sub-pod.service", "remap-pod.service", "rsz-pod.service")
	for _, m := range []string{"ns", "sub", "remap", "rsz"} {
		sb.WaitActive(t, m+"-m.service", "active", 30*time.Second)
		eventually(t, 15*time.Second, m+"-m to print what it sees", func() bool { return strings.Contains(unitLog(sb, m+"-m.service"), "done\n") })
	}
	ns := unitLog(sb, "ns-m.service")
	if m := idMaps(ns); len(m) < 1 || m[0][2] != "70000" {
		t.Errorf("UserNS=auto:size=70000 on the pod: member's maps %q\n%s", m, ns)
	}
	if !strings.Contains(mountLine(ns, "/dev/shm"), "size=8192k") {
		t.Errorf("ShmSize=8m on the pod: member's /dev/shm\n%s", ns)
	}
	if m := idMaps(unitLog(sb, "remap-m.service")); len(m) != 2 || m[0][1] != "600000" || m[1][1] != "700000" || m[1][2] != "65536" {
		t.Errorf("RemapUid=0:600000:65536 RemapGid=0:700000:65536: member's maps %q", m)
	}
	if m := idMaps(unitLog(sb, "rsz-m.service")); len(m) != 2 || m[0][2] != "70001" || m[1][2] != "70001" || !inRange(m[0], 1000000, 2000000) {
		t.Errorf("RemapUsers=auto RemapUidSize=70001 on the pod: member's maps %q, want 70001 IDs of containers' range", m)
	}
	if m := idMaps(unitLog(sb, "sub-m.service")); len(m) != 2 || !inRange(m[0], 1000000, 2000000) || !inRange(m[1], 1000000, 2000000) {
		t.Errorf("SubUIDMap=/SubGIDMap=containers: member's maps %q, want ranges of containers' 1000000-1999999", m)
	}
	for pod, subnet := range map[string]string{"sub": "inet 10.89.71.", "remap": "inet 10.89.72."} {
		if !strings.Contains(unitLog(sb, pod+"-m.service"), subnet) {
			t.Errorf("the module's default network did not reach pod %s (want %s):\n%s", pod, subnet, unitLog(sb, pod+"-m.service"))
		}
	}
	if got := e.must("pod", "inspect", "--format", "{{.Labels.tier}}/{{index .Labels \"note\"}}/{{.Labels.from}}", "ns"); got != "web/two words/args\n" {
		t.Errorf("Label= and PodmanArgs=--label on the pod: %q", got)
	}
	eventually(t, 15*time.Second, "PublishPort= to answer on the sandbox's loopback", func() bool {
		out, _, _, _ := sb.Exec("wget", "-qO-", "http://127.0.0.1:18181/")
		return out == "hi-from-ns\n"
	})
	sb.Run(t, "systemctl", "stop", "nspod.service", "sub-pod.service", "remap-pod.service", "rsz-pod.service")
}

// idMaps are the "0 HOST SIZE" lines of uid_map and gid_map in out, in order.
func idMaps(out string) [][]string {
	var maps [][]string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "0" {
			maps = append(maps, f)
		}
	}
	return maps
}

// inRange reports whether the map m's host IDs lie within [lo, hi).
func inRange(m []string, lo, hi int) bool {
	host, err1 := strconv.Atoi(m[1])
	size, err2 := strconv.Atoi(m[2])
	return err1 == nil && err2 == nil && host >= lo && host+size <= hi
}
