package console

import (
	"errors"
	"os"
	"testing"

	"github.com/creack/pty"
)

// TestUnitCaller plays run -it under systemd: the caller sends its size on
// its end of CallerPair before the unit starts; unit-start finds the other
// end (its stdin) is a caller, reads the size without taking it, and the
// keeper then gets the same packet, and the detach keys end the caller.
func TestUnitCaller(t *testing.T) {
	ours, theirs, err := CallerPair()
	if err != nil {
		t.Fatal(err)
	}
	defer ours.Close()
	if rows, cols, ok := PeekSize(theirs); ok {
		t.Fatalf("a size before any was sent: %dx%d", rows, cols)
	}
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptm.Close()
	defer tty.Close()
	if err := pty.Setsize(ptm, &pty.Winsize{Rows: 33, Cols: 111}); err != nil {
		t.Fatal(err)
	}
	SendSize(ours, tty)
	if !IsCaller(theirs) {
		t.Fatal("the keeper's end of CallerPair is not taken for a caller")
	}
	for range 2 { // a peek leaves the packet for the keeper
		if rows, cols, ok := PeekSize(theirs); !ok || rows != 33 || cols != 111 {
			t.Fatalf("PeekSize: %dx%d %v, want 33x111", rows, cols, ok)
		}
	}
	buf := make([]byte, 16)
	if n, err := theirs.Read(buf); err != nil || string(buf[:n]) != string([]byte{msgResize, 0, 33, 0, 111}) {
		t.Fatalf("the keeper read %q, %v", buf[:n], err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if IsCaller(r) || IsCaller(tty) {
		t.Fatal("a pipe or a terminal taken for a caller")
	}
	attached := make(chan error, 1)
	go func() {
		attached <- AttachConn(ours, AttachOptions{In: r, Out: &syncBuffer{}, DetachKeys: []byte{24, 'a'}})
	}()
	if _, err := w.Write([]byte("ls\x18a")); err != nil {
		t.Fatal(err)
	}
	if err := <-attached; !errors.Is(err, ErrDetached) {
		t.Fatalf("after ctrl-x,a AttachConn returned %v", err)
	}
	if n, err := theirs.Read(buf); err != nil || string(buf[:n]) != "ils" {
		t.Fatalf("the keeper got %q, %v; want the input before the keys", buf[:n], err)
	}
}
