package network

import (
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

func TestPinUserNSOwnsTheOtherNamespaces(t *testing.T) {
	requireRoot(t)
	dir := filepath.Join(t.TempDir(), "ns")
	maps := []syscall.SysProcIDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}
	p, err := PinUserNS(dir, []string{Net, IPC, UTS}, "podhost", maps, maps)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = Unpin(dir) })
	var user unix.Stat_t
	if err := unix.Stat(p.Path(User), &user); err != nil || !p.Has(User) {
		t.Fatalf("user namespace not pinned: %v", err)
	}
	for _, k := range []string{Net, IPC, UTS} {
		fd, err := unix.Open(p.Path(k), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		owner, err := unix.IoctlRetInt(fd, unix.NS_GET_USERNS)
		unix.Close(fd)
		if err != nil {
			t.Fatalf("%s: NS_GET_USERNS: %v", k, err)
		}
		var st unix.Stat_t
		err = unix.Fstat(owner, &st)
		unix.Close(owner)
		if err != nil || st.Ino != user.Ino {
			t.Errorf("%s namespace owned by user namespace %d, want the pinned %d", k, st.Ino, user.Ino)
		}
	}
	out, err := exec.Command("nsenter", "--user="+p.Path(User), "--uts="+p.Path(UTS), "sh", "-c", "cat /proc/self/uid_map; hostname").Output()
	if f := strings.Fields(string(out)); err != nil || strings.Join(f, " ") != "0 100000 65536 podhost" {
		t.Errorf("inside: %q %v", out, err)
	}
	if _, err := PinUserNS(dir, []string{Net, IPC, UTS}, "podhost", maps, maps); err != nil {
		t.Errorf("pinning again: %v", err)
	}
}
