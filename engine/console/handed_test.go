package console

import (
	"errors"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestHandedCallerFromTheFirstByte plays exec -it's keeper process with
// KeepFiles on Handed's descriptors: output written before the caller
// attaches reaches it, the detach keys end only the caller, and the keeper
// keeps the terminal until the container's side closes.
func TestHandedCallerFromTheFirstByte(t *testing.T) {
	dir := t.TempDir()
	h, err := NewHanded(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var keeperFiles []*os.File
	for _, f := range h.KeeperFiles() { // the keeper process's own copies
		fd, err := unix.Dup(int(f.Fd()))
		if err != nil {
			t.Fatal(err)
		}
		keeperFiles = append(keeperFiles, os.NewFile(uintptr(fd), f.Name()))
	}
	h.CloseFiles()
	var journal syncBuffer
	kept := make(chan error, 1)
	go func() { kept <- KeepFiles(keeperFiles[0], keeperFiles[1], &journal, keeperFiles[2]) }()
	slave := handOverMaster(t, dir)
	if _, err := slave.Write([]byte("early\n")); err != nil {
		t.Fatal(err)
	}
	journal.waitFor(t, "the keeper's log", "early\r\n")
	in, typed, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var out syncBuffer
	attached := make(chan error, 1)
	go func() { attached <- h.Attach(AttachOptions{In: in, Out: &out, DetachKeys: []byte{16, 17}}) }()
	out.waitFor(t, "the caller, attached after it was written", "early\r\n")
	if _, err := typed.Write([]byte{16, 17}); err != nil {
		t.Fatal(err)
	}
	if err := <-attached; !errors.Is(err, ErrDetached) {
		t.Fatalf("after the detach keys Attach returned %v", err)
	}
	typed.Close()
	if _, err := slave.Write([]byte("after\n")); err != nil {
		t.Fatal(err)
	}
	journal.waitFor(t, "the keeper's log after the caller left", "after\r\n")
	select {
	case err := <-kept:
		t.Fatalf("the keeper ended with its caller: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	slave.Close()
	if err := <-kept; err != nil {
		t.Fatalf("KeepFiles: %v", err)
	}
}
