package network

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSlirpArgs(t *testing.T) {
	want := "--configure --mtu=65520 --disable-host-loopback --enable-sandbox --ready-fd=4 --netns-type=path /proc/self/fd/3 tap0"
	if got := strings.Join(Slirp{}.Args(), " "); got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

// TestStopSlirp: the process recorded with its start time is killed; a
// record whose start time is another's (a reused pid) is left alone.
func TestStopSlirp(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "c.slirp.pid")
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	pid := cmd.Process.Pid
	write := func(start string) {
		if err := os.WriteFile(pidFile, []byte(fmt.Sprintf("%d %s\n", pid, start)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("1")
	if SlirpPid(pidFile) != 0 {
		t.Error("a record with another start time names the process")
	}
	if err := StopSlirp(pidFile); err != nil || startTime(pid) == "" {
		t.Fatalf("a reused pid was killed (%v)", err)
	}
	write(startTime(pid))
	if SlirpPid(pidFile) != pid {
		t.Fatal("SlirpPid does not find it")
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	if err := StopSlirp(pidFile); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("StopSlirp left the process running")
	}
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Errorf("pid file: %v", err)
	}
}
