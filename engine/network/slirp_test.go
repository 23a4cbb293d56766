package network

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSlirpArgs(t *testing.T) {
	want := "--configure --mtu=65520 --disable-host-loopback --enable-sandbox --ready-fd=4 --netns-type=path /proc/self/fd/3 tap0"
	if got := strings.Join(slirpArgs(t, Slirp{}), " "); got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func slirpArgs(t *testing.T, s Slirp) []string {
	t.Helper()
	args, err := s.Args()
	if err != nil {
		t.Fatal(err)
	}
	return args
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

func TestSlirpPorts(t *testing.T) {
	s := Slirp{PidFile: "/run/user/1000/containers/podunit/pasta/" + strings.Repeat("ab", 32) + ".slirp.pid",
		Ports: []PortMapping{{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Protocol: "tcp"}, {HostPort: 53, ContainerPort: 53, Protocol: "udp"}}}
	args := strings.Join(slirpArgs(t, s), " ")
	if !strings.Contains(args, " --api-socket "+strings.Repeat("ab", 12)+".sock tap0") {
		t.Errorf("args %s: want a short API socket name, then tap0", args)
	}
	got, err := json.Marshal(hostfwds(s.Options.Guest(), s.Ports))
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_addr":"127.0.0.1","host_port":8080,"guest_addr":"10.0.2.100","guest_port":80}},` +
		`{"execute":"add_hostfwd","arguments":{"proto":"udp","host_addr":"0.0.0.0","host_port":53,"guest_addr":"10.0.2.100","guest_port":53}}]`
	if string(got) != want {
		t.Errorf("requests\n%s\nwant\n%s", got, want)
	}
	if a := strings.Join(slirpArgs(t, Slirp{}), " "); strings.Contains(a, "api-socket") {
		t.Errorf("no ports, no API socket: %s", a)
	}
}

// TestSlirpPublish: each port is one add_hostfwd request on its own
// connection to the API socket (reached through a short /proc path), and
// an error answer fails the start naming the port.
func TestSlirpPublish(t *testing.T) {
	dir := t.TempDir()
	l, err := net.Listen("unix", filepath.Join(dir, "x.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := make(chan hostfwd, 4)
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			var req hostfwd
			_ = json.NewDecoder(conn).Decode(&req)
			got <- req
			answer := `{"return": {"id": 1}}`
			if req.Arguments.HostPort == 99 {
				answer = `{"error": {"desc": "bad request: add_hostfwd: failed"}}`
			}
			_, _ = conn.Write([]byte(answer))
			_ = conn.Close()
		}
	}()
	ports := []PortMapping{{HostPort: 8080, ContainerPort: 80, Protocol: "tcp"}, {HostPort: 8081, ContainerPort: 81, Protocol: "tcp"}}
	if err := publish(context.Background(), dir, "x.sock", "10.0.2.100", ports); err != nil {
		t.Fatal(err)
	}
	for _, want := range []uint16{8080, 8081} {
		if r := <-got; r.Execute != "add_hostfwd" || r.Arguments.HostPort != want || r.Arguments.GuestAddr != "10.0.2.100" {
			t.Errorf("request %+v, want host port %d", r, want)
		}
	}
	err = publish(context.Background(), dir, "x.sock", "10.0.2.100", []PortMapping{{HostPort: 99, ContainerPort: 80, Protocol: "tcp"}})
	if err == nil || !strings.Contains(err.Error(), "0.0.0.0:99/tcp") || !strings.Contains(err.Error(), "add_hostfwd: failed") {
		t.Errorf("an error answer: %v", err)
	}
}
