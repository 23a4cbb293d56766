package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// statusField is one "Key:\tvalue" line of /proc/PID/status.
func statusField(status, key string) string {
	m := regexp.MustCompile(`(?m)^` + key + `:\s+(.*)$`).FindStringSubmatch(status)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m[1])
}

// TestIdentityFlags reads, inside containers run with runc on the host, what
// --uidmap, --gidmap, --group-add, --security-opt and --init did.
func TestIdentityFlags(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	t.Run("uidmap", func(t *testing.T) {
		e := e.on(t)
		out := e.must("run", "--rm", "--uidmap", "0:100000:65536", "--gidmap", "0:200000:65536", "bb",
			"sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; set -- $(ls -lnd /bin); echo $3:$4; id -u; touch /new && echo wrote")
		fields := strings.Fields(out)
		want := []string{"0", "100000", "65536", "0", "200000", "65536", "0:0", "0", "wrote"}
		if strings.Join(fields, " ") != strings.Join(want, " ") {
			t.Errorf("uid_map, gid_map, owner, id, write = %q, want %q", fields, want)
		}
	})
	t.Run("group-add", func(t *testing.T) {
		e := e.on(t)
		out := e.must("run", "--rm", "--group-add", "nogroup", "--group-add", "4242", "--user", "1000:1000", "bb", "id", "-G")
		got := strings.Fields(out)
		slices.Sort(got)
		if strings.Join(got, " ") != "1000 4242 65534" {
			t.Errorf("id -G = %q, want 1000 65534 4242", out)
		}
	})
	t.Run("security-opt", func(t *testing.T) {
		e := e.on(t)
		status := e.must("run", "--rm", "--security-opt", "no-new-privileges", "--security-opt", "seccomp=unconfined",
			"--security-opt", "label=disable", "--security-opt", "apparmor=unconfined", "bb", "cat", "/proc/self/status")
		if statusField(status, "NoNewPrivs") != "1" || statusField(status, "Seccomp") != "0" {
			t.Errorf("NoNewPrivs %q Seccomp %q, want 1 and 0", statusField(status, "NoNewPrivs"), statusField(status, "Seccomp"))
		}
		profile := filepath.Join(t.TempDir(), "deny-mkdir.json")
		if err := os.WriteFile(profile, []byte(`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}`), 0o644); err != nil {
			t.Fatal(err)
		}
		if r := e.run("run", "--rm", "--security-opt", "seccomp="+profile, "bb", "mkdir", "/x"); r.code == 0 {
			t.Errorf("mkdir passed a profile that denies it: %q", r.out)
		}
		out := e.must("run", "--rm", "--security-opt", "unmask=/proc/timer_list", "--security-opt", "mask=/etc/hostname:/proc/cpuinfo",
			"bb", "sh", "-c", "wc -c </proc/cpuinfo; wc -c </proc/keys; wc -c </proc/timer_list")
		if f := strings.Fields(out); len(f) != 3 || f[0] != "0" || f[1] != "0" || f[2] == "0" {
			t.Errorf("mask/unmask: %q", out)
		}
	})
	t.Run("init", func(t *testing.T) {
		e := e.on(t)
		out := e.must("run", "--rm", "--init", "bb", "sh", "-c", "cat /proc/1/comm; echo $$")
		if f := strings.Fields(out); len(f) != 2 || f[0] != "podman-init" || f[1] == "1" {
			t.Errorf("--init: PID 1 and the shell = %q, want podman-init (catatonit) and not 1", out)
		}
	})
}

// TestIdentityRecordAndRefusals: inspect and generate systemd --new show
// the identity flags; bad values are refused naming flag and value, exit
// 125, nothing created.
func TestIdentityRecordAndRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	flags := []string{"--uidmap", "0:100000:65536", "--group-add", "4242", "--security-opt", "no-new-privileges",
		"--security-opt", "mask=/proc/cpuinfo", "--init", "--cgroups", "split"}
	e.must(append(append([]string{"create", "--name", "idc"}, flags...), "bb", "true")...)
	out := e.must("inspect", "--format", "{{.HostConfig.UsernsMode}}|{{.HostConfig.IDMappings.UidMap}}|{{.HostConfig.GroupAdd}}|{{.HostConfig.SecurityOpt}}|{{.HostConfig.Cgroups}}|{{.HostConfig.Init}}", "idc")
	if want := "private|[0:100000:65536]|[4242]|[no-new-privileges mask=/proc/cpuinfo]|default|true\n"; out != want {
		t.Errorf("inspect = %q, want %q", out, want)
	}
	unit := e.must("generate", "systemd", "--new", "idc")
	for _, f := range []string{"--uidmap 0:100000:65536", "--group-add 4242", "--security-opt no-new-privileges",
		"--security-opt mask=/proc/cpuinfo", "--cgroups split", "--init"} {
		if !strings.Contains(unit, f) {
			t.Errorf("generate systemd --new lacks %q:\n%s", f, unit)
		}
	}
	for _, bad := range [][]string{
		{"--security-opt", "bogus=1"},
		{"--uidmap", "0:100000:65536", "--uidmap", "1000:200000:10"},
		{"--subuidname", "no-such-user-podunit"},
		{"--userns", "keep-id"},
		{"--cgroups", "disabled"},
		{"--security-opt", "apparmor=no-such-profile"},
		{"--init", "--init-path", "/etc"},
	} {
		r := e.run(append(append([]string{"create"}, bad...), "bb", "true")...)
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, bad[len(bad)-1]) && !strings.Contains(r.err, bad[0]) {
			t.Errorf("create %q: exit %d, stderr %q; want 125 and an Error: naming it", bad, r.code, r.err)
		}
	}
	if out := e.must("ps", "-a", "--format", "{{.Names}}"); out != "idc\n" {
		t.Errorf("after the refusals ps -a = %q, want only idc", out)
	}
}
