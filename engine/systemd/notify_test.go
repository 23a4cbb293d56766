package systemd

import (
	"net"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// notifySocket plays the service manager's socket and points
// $NOTIFY_SOCKET at it.
func notifySocket(t *testing.T) *net.UnixConn {
	sock := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	t.Setenv("NOTIFY_SOCKET", sock)
	return conn
}

func TestNotify(t *testing.T) {
	conn := notifySocket(t)

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

// TestBarrier plays the service manager: it reads BARRIER=1 and the pipe's
// write end, and Barrier returns once that end is closed.
func TestBarrier(t *testing.T) {
	conn := notifySocket(t)
	closed := make(chan time.Time, 1)
	go func() {
		buf, oob := make([]byte, 64), make([]byte, 64)
		n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
		if err != nil || string(buf[:n]) != "BARRIER=1" {
			t.Errorf("read %q, %v", buf[:n], err)
			return
		}
		msgs, _ := unix.ParseSocketControlMessage(oob[:oobn])
		fds, err := unix.ParseUnixRights(&msgs[0])
		if err != nil || len(fds) != 1 {
			t.Errorf("fds %v, %v", fds, err)
			return
		}
		time.Sleep(100 * time.Millisecond)
		closed <- time.Now()
		unix.Close(fds[0])
	}()
	ok, err := Barrier()
	returned := time.Now()
	if !ok || err != nil {
		t.Fatalf("Barrier() = %v, %v", ok, err)
	}
	if at := <-closed; returned.Before(at) {
		t.Fatalf("Barrier returned before the manager closed the pipe")
	}
}
