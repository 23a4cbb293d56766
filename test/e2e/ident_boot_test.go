package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// TestBootIdentity boots systemd (crun, and runc for one container) with /etc/subuid and /etc/subgid
// giving the user "containers" a range, as --userns=auto needs, and runs a
// Quadlet container with the identity keys and two CLI containers in
// transient units; each reads its own uid_map, groups and status.
func TestBootIdentity(t *testing.T) {
	t.Parallel()
	opts, host, sources := bootEnv(t)
	sub := filepath.Join(host.dir, "subid")
	if err := os.WriteFile(sub, []byte("containers:1000000:1000000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts.Binds = append(opts.Binds, sub+":/etc/subuid", sub+":/etc/subgid")
	replaceSources(t, sources, map[string]string{
		"ident.container": "[Container]\nImage=bb\nContainerName=ident\nUserNS=auto:size=70000\nGroupAdd=4242\n" +
			"NoNewPrivileges=yes\nMask=/proc/cpuinfo\nUnmask=/proc/keys\nRunInit=yes\nStopSignal=KILL\n" +
			"Exec=sh -c \"cat /proc/self/uid_map; id -G; grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status; " +
			"echo cpuinfo=$(wc -c </proc/cpuinfo) pid1=$(cat /proc/1/comm); exec sleep 600\"\n",
		"shared.pod":   "[Pod]\nPodName=shared\nHostName=sharedhost\nUIDMap=0:400000:65536\nGIDMap=0:500000:65536\n",
		"m1.container": "[Container]\nImage=bb\nContainerName=m1\nPod=shared.pod\nExec=sleep 600\nStopSignal=KILL\n",
		"m2.container": "[Container]\nImage=bb\nContainerName=m2\nPod=shared.pod\nExec=sleep 600\nStopSignal=KILL\n",
		"remap.container": "[Container]\nImage=bb\nContainerName=remap\nRemapUsers=manual\nRemapUid=0:600000:65536\n" +
			"RemapGid=0:700000:65536\nSeccompProfile=/etc/podunit/systemd/deny-mkdir.json\nSecurityLabelDisable=true\n" +
			"SecurityLabelLevel=s0:c1\nCgroupsMode=split\nExec=sleep 600\nStopSignal=KILL\n",
		"subid.container": "[Container]\nImage=bb\nContainerName=subid\nSubUIDMap=containers\nSubGIDMap=containers\n" +
			"Exec=sleep 600\nStopSignal=KILL\n",
		"deny-mkdir.json": `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}`,
	})
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "ident.service")
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	sb.Run(t, "systemctl", "start", "ident.service")
	sb.WaitActive(t, "ident.service", "active", 60*time.Second)
	journal := func() string {
		out, _, _, _ := sb.Exec("journalctl", "-u", "ident.service", "-o", "cat", "--no-pager")
		return out
	}
	eventually(t, 15*time.Second, "ident to print what it is", func() bool { return strings.Contains(journal(), "pid1=") })
	out := journal()
	for _, want := range []string{"0 4242", "NoNewPrivs:\t1", "Seccomp:\t2", "cpuinfo=0 pid1=podman-init"} {
		if !strings.Contains(out, want) {
			t.Errorf("ident's output lacks %q:\n%s", want, out)
		}
	}
	quadletMap := uidMapOf(t, out)
	if host, _ := strconv.Atoi(quadletMap[1]); quadletMap[2] != "70000" || host < 1000000 || host+70000 > 2000000 {
		t.Errorf("UserNS=auto:size=70000 map %q, want 0 HOST 70000 from containers' range", quadletMap)
	}
	e.must("run", "-d", "--name", "auto2", "--userns", "auto", "bb", "sleep", "600")
	e.must("run", "-d", "--name", "mapped", "--uidmap", "0:300000:65536", "--security-opt", "seccomp=unconfined", "bb", "sleep", "600")
	auto2 := uidMapOf(t, e.must("exec", "auto2", "cat", "/proc/self/uid_map"))
	if auto2[1] == quadletMap[1] {
		t.Errorf("two auto containers share the host range %s", auto2[1])
	}
	if got := strings.Fields(e.must("exec", "mapped", "sh", "-c", "cat /proc/self/uid_map; grep Seccomp: /proc/1/status; touch /w && echo wrote")); strings.Join(got, " ") != "0 300000 65536 Seccomp: 0 wrote" {
		t.Errorf("mapped: %q", got)
	}
	e.must("run", "-d", "--name", "joiner", "--userns", "container:mapped", "bb", "sleep", "600")
	nsOf := func(name string) string { return e.must("exec", name, "sh", "-c", "readlink /proc/self/ns/user") }
	if a, b := nsOf("mapped"), nsOf("joiner"); a != b || !strings.HasPrefix(a, "user:[") {
		t.Errorf("--userns container:mapped: joiner in %q, mapped in %q", b, a)
	}
	if got := e.must("exec", "joiner", "sh", "-c", "touch /j && echo wrote"); got != "wrote\n" {
		t.Errorf("joiner cannot write its rootfs: %q", got)
	}
	e.must("run", "-d", "--name", "bypath", "--userns", "ns:/proc/"+e.field("mapped", "{{.State.Pid}}")+"/ns/user", "bb", "sleep", "600")
	if a, b := nsOf("mapped"), nsOf("bypath"); a != b {
		t.Errorf("--userns ns:/proc/PID/ns/user: bypath in %q, mapped in %q", b, a)
	}
	if got := e.must("exec", "bypath", "sh", "-c", "cat /proc/self/uid_map; touch /j && echo wrote"); strings.Join(strings.Fields(got), " ") != "0 300000 65536 wrote" {
		t.Errorf("bypath: %q", got)
	}
	e.must("--runtime", "runc", "run", "-d", "--name", "runcmapped", "--uidmap", "0:800000:65536", "--init",
		"--security-opt", "no-new-privileges", "--group-add", "4242", "bb", "sleep", "600")
	probe := "cat /proc/self/uid_map; cat /proc/1/comm; id -G; grep NoNewPrivs: /proc/self/status; touch /w && echo wrote"
	if got := strings.Fields(e.must("exec", "runcmapped", "sh", "-c", probe)); strings.Join(got, " ") != "0 800000 65536 podman-init 0 4242 NoNewPrivs: 1 wrote" {
		t.Errorf("runc: %q", got)
	}
	e.must("run", "-d", "--name", "nocg", "--cgroups", "disabled", "bb", "sleep", "600")
	e.must("run", "-d", "--name", "cg", "bb", "sleep", "600")
	cgroupOf := func(name string) string {
		out, _, _, _ := sb.Exec("cat", "/proc/"+e.field(name, "{{.State.Pid}}")+"/cgroup")
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, "name=systemd:") || strings.HasPrefix(line, "0::") {
				return line
			}
		}
		return out
	}
	if got := cgroupOf("nocg"); !strings.HasSuffix(got, "/podunit-nocg.service") {
		t.Errorf("--cgroups disabled: the init is in %q, want the unit's own cgroup", got)
	}
	if got := cgroupOf("cg"); !strings.HasSuffix(got, "/podunit-cg.service/container") {
		t.Errorf("default: the init is in %q, want the unit's container cgroup", got)
	}
	t.Run("idmapped volume", func(t *testing.T) { checkIDMapMount(t, sb, e) })
	t.Run("remap and subid keys", func(t *testing.T) { checkRemapKeys(t, sb, e) })
	sb.Run(t, "systemctl", "stop", "ident.service")
	t.Run("pod user namespace", func(t *testing.T) { checkPodUserNS(t, sb, e) })
}

// checkPodUserNS starts a pod with UIDMap=/GIDMap= and two members: both
// are in the one user namespace the pod pinned, with its maps, its host
// name, and rootfs files they own.
func checkPodUserNS(t *testing.T, sb *harness.Sandbox, e *defaultEnv) {
	sb.DumpOnFailure(t, "shared-pod.service", "m1.service", "m2.service")
	sb.Run(t, "systemctl", "start", "shared-pod.service")
	sb.WaitActive(t, "m1.service", "active", 60*time.Second)
	sb.WaitActive(t, "m2.service", "active", 60*time.Second)
	probe := "readlink /proc/self/ns/user; cat /proc/self/uid_map /proc/self/gid_map; hostname; touch /own && echo wrote"
	m1, m2 := e.must("exec", "m1", "sh", "-c", probe), e.must("exec", "m2", "sh", "-c", probe)
	if m1 != m2 {
		t.Errorf("the members differ:\nm1: %s\nm2: %s", m1, m2)
	}
	if f := strings.Fields(m1); len(f) != 9 || !strings.HasPrefix(f[0], "user:[") || strings.Join(f[1:], " ") != "0 400000 65536 0 500000 65536 sharedhost wrote" {
		t.Errorf("member sees %q", f)
	}
	if hostNS, _, _, _ := sb.Exec("readlink", "/proc/self/ns/user"); strings.TrimSpace(hostNS) == strings.Fields(m1)[0] {
		t.Errorf("the members are in the host's user namespace %s", hostNS)
	}
	if got := e.field("m1", "{{.HostConfig.UsernsMode}} {{.HostConfig.IDMappings.UidMap}}"); got != "private [0:400000:65536]" {
		t.Errorf("m1's inspect: %q", got)
	}
	sb.Run(t, "systemctl", "stop", "shared-pod.service")
	// a pod with --userns auto: a range reserved at pod create, shared by its members
	e.must("pod", "create", "--name", "autopod", "--userns", "auto")
	e.must("run", "-d", "--pod", "autopod", "--name", "am1", "bb", "sleep", "600")
	e.must("run", "-d", "--pod", "autopod", "--name", "am2", "bb", "sleep", "600")
	probe = "readlink /proc/self/ns/user; cat /proc/self/uid_map; touch /own && echo wrote"
	a1, a2 := e.must("exec", "am1", "sh", "-c", probe), e.must("exec", "am2", "sh", "-c", probe)
	f := strings.Fields(a1)
	if host, _ := strconv.Atoi(f[2]); a1 != a2 || len(f) != 5 || f[1] != "0" || f[3] != "65536" || host < 1000000 || host+65536 > 2000000 {
		t.Errorf("auto pod members:\nam1: %s\nam2: %s", a1, a2)
	}
	// the range is held by a storage container of the pod's until pod rm
	reserved := func() string {
		out, _, _, _ := sb.Exec("grep", "-c", "podunit-pod-userns-", "/var/lib/containers/storage/overlay-containers/containers.json")
		return strings.TrimSpace(out)
	}
	if got := reserved(); got != "1" {
		t.Errorf("autopod's range: %s storage containers hold it, want 1", got)
	}
	e.must("pod", "rm", "-f", "autopod")
	if got := reserved(); got != "0" {
		t.Errorf("after pod rm autopod: %s storage containers hold a pod's range, want 0", got)
	}
	// a member of a pod without a user namespace may have one of its own:
	// the pod's network, IPC and UTS namespaces stay the host user namespace's
	e.must("pod", "create", "--name", "plain", "--hostname", "plainhost")
	e.must("run", "-d", "--pod", "plain", "--name", "pm", "--uidmap", "0:900000:65536", "bb", "sleep", "600")
	if got := strings.Fields(e.must("exec", "pm", "sh", "-c", "cat /proc/self/uid_map; hostname; ls /sys/class/net | grep -c lo; touch /w && echo wrote")); strings.Join(got, " ") != "0 900000 65536 plainhost 1 wrote" {
		t.Errorf("mapped member of a plain pod: %q", got)
	}
}

// uidMapOf is the first line of a uid_map in out: container, host, size.
func uidMapOf(t *testing.T, out string) []string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "0" {
			return f
		}
	}
	t.Fatalf("no uid_map line in %q", out)
	return nil
}

// checkRemapKeys: RemapUsers=manual with RemapUid=/RemapGid=, SubUIDMap=,
// SeccompProfile= and the label keys reach their containers.
func checkRemapKeys(t *testing.T, sb *harness.Sandbox, e *defaultEnv) {
	sb.DumpOnFailure(t, "remap.service", "subid.service")
	sb.Run(t, "systemctl", "start", "remap.service", "subid.service")
	sb.WaitActive(t, "remap.service", "active", 60*time.Second)
	sb.WaitActive(t, "subid.service", "active", 60*time.Second)
	got := strings.Fields(e.must("exec", "remap", "sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; mkdir /x 2>/dev/null && echo made || echo denied"))
	if strings.Join(got, " ") != "0 600000 65536 0 700000 65536 denied" {
		t.Errorf("remap: %q", got)
	}
	opts := e.field("remap", "{{.HostConfig.SecurityOpt}}")
	for _, want := range []string{"label=disable", "label=level:s0:c1", "seccomp=/etc/podunit/systemd/deny-mkdir.json"} {
		if !strings.Contains(opts, want) {
			t.Errorf("remap's SecurityOpt %s lacks %s", opts, want)
		}
	}
	if got := strings.Fields(e.must("exec", "subid", "cat", "/proc/self/uid_map")); strings.Join(got, " ") != "0 1000000 1000000" {
		t.Errorf("SubUIDMap=containers: %q", got)
	}
	sb.Run(t, "systemctl", "stop", "remap.service", "subid.service")
}

// checkIDMapMount: a -v ...:idmap mount of a container with its own user
// namespace keeps the host's owners: root inside writes a file root owns on
// the host, where a plain bind gives it the mapped uid. Without a user
// namespace the option is refused at create.
func checkIDMapMount(t *testing.T, sb *harness.Sandbox, e *defaultEnv) {
	sb.Run(t, "mkdir", "-p", "/run/idmapped", "/run/plain")
	sb.Run(t, "chmod", "777", "/run/plain") // the mapped root may write there as anyone
	probe := "touch /data/f && stat -c %u /data/f"
	if got := e.must("run", "--rm", "--uidmap", "0:600000:65536", "-v", "/run/idmapped:/data:idmap", "bb", "sh", "-c", probe); got != "0\n" {
		t.Errorf("inside the idmapped mount the file's owner is %q, want 0", got)
	}
	if got := strings.TrimSpace(sb.Run(t, "stat", "-c", "%u", "/run/idmapped/f")); got != "0" {
		t.Errorf("on the host the idmapped mount's file is owned by %s, want 0", got)
	}
	e.must("run", "--rm", "--uidmap", "0:600000:65536", "-v", "/run/plain:/data", "bb", "sh", "-c", "touch /data/f")
	if got := strings.TrimSpace(sb.Run(t, "stat", "-c", "%u", "/run/plain/f")); got != "600000" {
		t.Errorf("the control: a plain bind's file is owned by %s on the host, want 600000", got)
	}
	r := e.run("create", "--name", "noidns", "-v", "/run/idmapped:/data:idmap", "bb", "true")
	if r.code != 125 || !strings.Contains(r.err, "idmap") || e.run("container", "exists", "noidns").code != 1 {
		t.Errorf("idmap without a user namespace: exit %d, %q", r.code, r.err)
	}
}
