package engine

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/state"
)

// TestReadyClosedClosesTheStore: unit-start's READY=1 goes out with the
// state database closed, its WAL checkpointed into the file and emptied,
// so that nothing of this process writes it once `run -d` returns.
func TestReadyClosedClosesTheStore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "state.db")
	st, err := state.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(db + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("the open store has no WAL to checkpoint (its schema's writes): %v", err)
	}
	sock := filepath.Join(dir, "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", sock)
	if err := (&Engine{store: st}).readyClosed(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := conn.Read(buf)
	if err != nil || string(buf[:n]) != "READY=1" {
		t.Fatalf("notify socket got %q, %v; want READY=1", buf[:n], err)
	}
	if fi, err := os.Stat(db + "-wal"); err != nil || fi.Size() != 0 {
		t.Errorf("the WAL is not emptied after READY=1 (%v): the store was not closed", err)
	}
	if _, err := st.Volumes(context.Background()); err == nil {
		t.Errorf("the store still answers after READY=1")
	}
}
