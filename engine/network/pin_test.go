package network

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func requireRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("these tests need root: they create namespaces and mounts")
	}
}

func TestPinCreatesNamespacesWithoutAProcess(t *testing.T) {
	requireRoot(t)
	dir := filepath.Join(t.TempDir(), "ns")
	p, err := Pin(dir, []string{Net, IPC, UTS}, "podhost")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = Unpin(dir) })
	for _, k := range []string{Net, IPC, UTS} {
		mine, _ := os.Readlink("/proc/self/ns/" + k)
		out, err := exec.Command("nsenter", "--"+k+"="+p.Path(k), "readlink", "/proc/self/ns/"+k).Output()
		if err != nil {
			t.Fatalf("nsenter into pinned %s: %v", k, err)
		}
		if got := strings.TrimSpace(string(out)); got == mine || !strings.HasPrefix(got, k+":[") {
			t.Errorf("pinned %s namespace is %q, ours %q", k, got, mine)
		}
	}
	out, err := exec.Command("nsenter", "--uts="+p.Path(UTS), "cat", "/proc/sys/kernel/hostname").Output()
	if err != nil || strings.TrimSpace(string(out)) != "podhost" {
		t.Errorf("host name in the pinned UTS namespace: %q %v", out, err)
	}
	out, err = exec.Command("nsenter", "--net="+p.Path(Net), "cat", "/sys/class/net/lo/operstate", "/sys/class/net/lo/flags").Output()
	if err != nil || !strings.Contains(string(out), "0x9") {
		t.Errorf("lo in the pinned network namespace: %q %v", out, err)
	}
	if host, _ := os.Hostname(); host == "podhost" {
		t.Error("Pin changed this process's own host name")
	}
	again, err := Pin(dir, []string{Net, IPC, UTS}, "other")
	if err != nil || again.Dir != dir {
		t.Fatalf("second Pin: %v", err)
	}
	out, _ = exec.Command("nsenter", "--uts="+p.Path(UTS), "cat", "/proc/sys/kernel/hostname").Output()
	if strings.TrimSpace(string(out)) != "podhost" {
		t.Errorf("second Pin replaced the namespaces (host name now %q)", out)
	}
}

func TestUnpinLeavesNoMount(t *testing.T) {
	requireRoot(t)
	dir := filepath.Join(t.TempDir(), "ns")
	if _, err := Pin(dir, []string{Net, UTS}, "x"); err != nil {
		t.Fatal(err)
	}
	if err := Unpin(dir); err != nil {
		t.Fatal(err)
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(mi), dir) {
		t.Fatalf("mounts under %s remain:\n%s", dir, mi)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("%s still exists: %v", dir, err)
	}
	if err := Unpin(dir); err != nil {
		t.Fatalf("Unpin of nothing: %v", err)
	}
}

func TestPinRefusesPID(t *testing.T) {
	requireRoot(t)
	dir := filepath.Join(t.TempDir(), "ns")
	if _, err := Pin(dir, []string{"pid"}, ""); err == nil {
		t.Fatal("Pin accepted a pid namespace, which needs a process")
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(mi), dir) {
		t.Fatal("a refused Pin left mounts")
	}
}
