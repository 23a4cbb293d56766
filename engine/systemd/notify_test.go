package systemd

import (
	"net"
	"path/filepath"
	"testing"
	"time"
)

func TestNotify(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", sock)

	sent, err := Notify("MAINPID=123\nREADY=1")
	if !sent || err != nil {
		t.Fatalf("Notify() = %v, %v", sent, err)
	}
	buf := make([]byte, 256)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := conn.Read(buf)
	if err != nil || string(buf[:n]) != "MAINPID=123\nREADY=1" {
		t.Fatalf("read %q, %v", buf[:n], err)
	}
}

func TestNotifyWithoutSocket(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	if sent, err := Notify("READY=1"); sent || err != nil {
		t.Fatalf("Notify() = %v, %v; want false, nil", sent, err)
	}
}

func TestNotifyDeadSocket(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", filepath.Join(t.TempDir(), "missing.sock"))
	if sent, err := Notify("READY=1"); sent || err == nil {
		t.Fatalf("Notify() = %v, %v; want false and an error", sent, err)
	}
}
