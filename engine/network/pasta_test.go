package network

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestPastaArgs(t *testing.T) {
	p := Pasta{PidFile: "/run/p/x.pid"}
	want := "--config-net -t none -u none -T none -U none --no-map-gw --dns-forward 169.254.1.1 --quiet " +
		"--runas 0:0 --netns /proc/self/fd/3 --no-netns-quit --pid /run/p/x.pid"
	if got := strings.Join(p.Args(), " "); got != want {
		t.Errorf("no ports:\n%s\nwant\n%s", got, want)
	}
	p.Ports = []PortMapping{
		{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Protocol: "tcp"},
		{HostPort: 5353, ContainerPort: 53, Protocol: "udp"},
		{HostIP: "::1", HostPort: 8443, ContainerPort: 443, Protocol: "tcp"},
	}
	got := strings.Join(p.Args(), " ")
	for _, part := range []string{"--config-net -t 127.0.0.1/8080:80 -t ::1/8443:443 -u 5353:53 -T none -U none --no-map-gw"} {
		if !strings.HasPrefix(got, part) {
			t.Errorf("ports: %s\nwant it to start with %s", got, part)
		}
	}
}

func TestPastaBinaryMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := PastaBinary()
	if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "apt-get install passt") {
		t.Errorf("without pasta: %v", err)
	}
}

// TestStopPasta: the process whose command line names the pid file is
// killed and the file removed; a pid that is another process's is left.
func TestStopPasta(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "c.pid")
	start := func(name string) *exec.Cmd {
		cmd := exec.CommandContext(context.Background(), "sh", "-c", "sleep 60", "x", "--pid", name)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		// Start returns once the exec is past its point of no return, a
		// moment before the new command line is readable in /proc.
		for deadline := time.Now().Add(10 * time.Second); !pastaOf(cmd.Process.Pid, name); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: command line never readable", name)
			}
		}
		return cmd
	}
	other := start(filepath.Join(dir, "other.pid"))
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(other.Process.Pid)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if PastaPid(pidFile) != 0 {
		t.Error("a pid of another process is taken for pasta's")
	}
	if err := StopPasta(pidFile); err != nil {
		t.Fatal(err)
	}
	// Not reaped by anyone but this test: killed, it would be a zombie.
	if stat, err := os.ReadFile("/proc/" + strconv.Itoa(other.Process.Pid) + "/stat"); err != nil || bytes.Contains(stat, []byte(") Z ")) {
		t.Errorf("another process was killed: %q %v", stat, err)
	}
	mine := start(pidFile)
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(mine.Process.Pid)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if PastaPid(pidFile) != mine.Process.Pid {
		t.Fatal("PastaPid does not find it")
	}
	done := make(chan error, 1)
	go func() { done <- mine.Wait() }()
	if err := StopPasta(pidFile); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("StopPasta left the process running")
	}
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Errorf("pid file: %v", err)
	}
	if err := StopPasta(pidFile); err != nil {
		t.Errorf("again: %v", err)
	}
}

// TestNewNetns: a fresh network namespace, not this process's, held by
// the file returned.
func TestNewNetns(t *testing.T) {
	if os.Getuid() != 0 {
		t.Fatal("making a network namespace needs root (or a user namespace)")
	}
	f, err := NewNetns()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	held, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(f.Fd())))
	if err != nil {
		t.Fatal(err)
	}
	own, _ := os.Readlink("/proc/self/ns/net")
	if !strings.HasPrefix(held, "net:[") || held == own {
		t.Errorf("held %q, own %q", held, own)
	}
}
