package generator

import (
	"bytes"
	"errors"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// Regular files are read and written here with plain system calls:
// os.OpenFile offers each file to the network poller (four fcntl calls and
// an epoll_ctl that fails, per file), a third of what the generator asks of
// the kernel for a thousand units. Errors are *os.PathError, as os's.

// readRegular reads the file at path, at most limit bytes of it and one
// more, so that a caller sees a file that is larger than the limit.
func readRegular(path string, limit int) ([]byte, error) {
	fd, err := retry(func() (int, error) { return unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0) })
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	scratch := scratchBufs.Get().(*[]byte)
	defer scratchBufs.Put(scratch)
	buf := (*scratch)[:0]
	for len(buf) <= limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // grow
		}
		n, err := retry(func() (int, error) { return unix.Read(fd, buf[len(buf):min(cap(buf), limit+1)]) })
		if err != nil {
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			break
		}
		buf = buf[:len(buf)+n]
	}
	*scratch = buf
	return bytes.Clone(buf), nil
}

// scratchBufs are readRegular's read buffers: a source file is a few hundred
// bytes, and a fresh 4 KiB buffer for each was most of the generator's
// allocation (a page fault apiece: it collects no garbage).
var scratchBufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// createExclusive writes data to a new file at path (mode 0644); a file
// already there is an error that errors.Is takes for os.ErrExist.
func createExclusive(path string, data []byte) error {
	fd, err := retry(func() (int, error) {
		return unix.Open(path, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o644)
	})
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	for len(data) > 0 && err == nil {
		var n int
		if n, err = retry(func() (int, error) { return unix.Write(fd, data) }); err == nil {
			data = data[n:]
		}
	}
	if cerr := unix.Close(fd); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return &os.PathError{Op: "write", Path: path, Err: err}
	}
	return nil
}

// retry runs a system call again while a signal interrupts it.
func retry(call func() (int, error)) (int, error) {
	for {
		n, err := call()
		if !errors.Is(err, unix.EINTR) {
			return n, err
		}
	}
}
