package main

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExtendStartTimeoutTellsSystemd listens where systemd would and checks
// a long job sends EXTEND_TIMEOUT_USEC at once and again later.
func TestExtendStartTimeoutTellsSystemd(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", sock)
	stop := extendStartTimeout()
	defer stop()
	buf := make([]byte, 256)
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	n, err := conn.Read(buf)
	if err != nil || !strings.HasPrefix(string(buf[:n]), "EXTEND_TIMEOUT_USEC=30000000") {
		t.Fatalf("first message %q, %v", buf[:n], err)
	}
	conn.SetReadDeadline(time.Now().Add(extendInterval + 2*time.Second))
	if n, err = conn.Read(buf); err != nil || !strings.HasPrefix(string(buf[:n]), "EXTEND_TIMEOUT_USEC=") {
		t.Fatalf("no second message within %s: %q, %v", extendInterval, buf[:n], err)
	}
}

func TestExtendStartTimeoutOutsideAUnitDoesNothing(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	extendStartTimeout()() // must neither block nor panic
}
