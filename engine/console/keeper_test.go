package console

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/internal/syncbuf"
)

// syncBuffer is a syncbuf.Buffer that tests wait on.
type syncBuffer struct{ syncbuf.Buffer }

func (b *syncBuffer) waitFor(t *testing.T, what, want string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		got := b.String()
		if strings.Contains(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never showed %q: %q", what, want, got)
		}
	}
}

// handOverMaster plays the runtime: it opens a pty and passes its master
// to the console socket in dir, as `create --console-socket` does.
func handOverMaster(t *testing.T, dir string) (slave *os.File) {
	t.Helper()
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	conn, err := net.Dial("unix", filepath.Join(dir, ConsoleSocket))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rights := unix.UnixRights(int(master.Fd()))
	if _, _, err := conn.(*net.UnixConn).WriteMsgUnix([]byte(master.Name()), rights, nil); err != nil {
		t.Fatal(err)
	}
	return slave
}

func readSlave(t *testing.T, slave *os.File, want string) {
	t.Helper()
	var got []byte
	buf := make([]byte, 256)
	_ = slave.SetReadDeadline(time.Now().Add(10 * time.Second))
	for !strings.Contains(string(got), want) {
		n, err := slave.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			t.Fatalf("the container's side read %q, then %v; want %q", got, err, want)
		}
	}
}

func TestKeeperServesAttachedCallers(t *testing.T) {
	dir := t.TempDir()
	consoleL, attachL, err := Listen(dir)
	if err != nil {
		t.Fatal(err)
	}
	var journal syncBuffer
	kept := make(chan error, 1)
	go func() { kept <- Keep(consoleL, attachL, &journal) }()
	slave := handOverMaster(t, dir)

	// A first caller types, sees the output, and detaches.
	inR, inW := io.Pipe()
	var out syncBuffer
	attached := make(chan error, 1)
	go func() { attached <- attachPipe(dir, inR, &out, []byte{16, 17}) }()
	if _, err := inW.Write([]byte("typed\n")); err != nil {
		t.Fatal(err)
	}
	readSlave(t, slave, "typed\n")
	if _, err := slave.Write([]byte("from-the-container\n")); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, "the caller", "from-the-container\r\n")
	journal.waitFor(t, "the journal", "from-the-container\r\n")
	if _, err := inW.Write([]byte{16, 17}); err != nil {
		t.Fatal(err)
	}
	if err := <-attached; !errors.Is(err, ErrDetached) {
		t.Fatalf("after the detach keys Attach returned %v", err)
	}

	// A window size reaches the container's side.
	conn, err := dial(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write([]byte{msgResize, 0, 33, 0, 111}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		ws, err := unix.IoctlGetWinsize(int(slave.Fd()), unix.TIOCGWINSZ)
		if err == nil && ws.Row == 33 && ws.Col == 111 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("window size %+v, %v; want 33x111", ws, err)
		}
	}
	conn.Close()

	// A second caller sees the end when the container's side closes.
	var out2 syncBuffer
	go func() { attached <- attachPipe(dir, nil, &out2, nil) }()
	time.Sleep(100 * time.Millisecond) // let it connect before the end
	slave.Close()
	if err := <-kept; err != nil {
		t.Fatalf("Keep: %v", err)
	}
	if err := <-attached; err != nil {
		t.Fatalf("Attach after the container's end: %v", err)
	}
}

// attachPipe is Attach with a pipe as input (nil: none).
func attachPipe(dir string, in *io.PipeReader, out io.Writer, keys []byte) error {
	o := AttachOptions{Out: out, DetachKeys: keys}
	if in == nil {
		return Attach(dir, o)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	go func() { _, _ = io.Copy(w, in); w.Close() }()
	o.In = r
	defer r.Close()
	return Attach(dir, o)
}

// TestCallerGetsTheOutputOfATerminalThatClosedAtOnce: a container that
// prints and exits before the keeper read what the caller sent (its window
// size) must not take the output with it. The keeper closing a connection
// with unread messages makes the kernel reset it, and the caller's read then
// failed before the output queued for it (run -t of a short program printed
// nothing about one time in three).
func TestCallerGetsTheOutputOfATerminalThatClosedAtOnce(t *testing.T) {
	dir := t.TempDir()
	s, err := NewSession(dir)
	if err != nil {
		t.Fatal(err)
	}
	// sizes the keeper has not read yet, as many as the socket takes
	sent := 0
	_ = s.caller.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	for {
		if _, err := s.caller.Write([]byte{msgResize, 0, 24, 0, 80}); err != nil {
			break
		}
		sent++
	}
	_ = s.caller.SetWriteDeadline(time.Time{})
	slave := handOverMaster(t, dir)
	if _, err := slave.Write([]byte("said-before-the-end\n")); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	time.Sleep(100 * time.Millisecond) // the keeper sees the end before the caller reads
	var out syncBuffer
	if err := s.Attach(AttachOptions{Out: &out}); err != nil {
		t.Errorf("Attach after %d unread sizes: %v", sent, err)
	}
	out.waitFor(t, "the caller", "said-before-the-end\r\n")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
