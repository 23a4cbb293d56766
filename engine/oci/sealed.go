package oci

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"

	"golang.org/x/sys/unix"
)

// crun protects itself from CVE-2019-5736 (a container overwriting the
// runtime's binary through /proc/PID/exe while the runtime joins it) in a
// constructor that runs before every command: unless /proc/self/exe is a
// memfd sealed against every change, it bind-mounts its own binary read-only
// on a file in /tmp, opens it, unmounts it and executes itself again. Each
// invocation so paid a second exec (the dynamic loader and its fifteen
// libraries once more) and three mount table changes in the host's mount
// namespace, each of which systemd reads back: about a millisecond of CPU
// per call, and a start runs two (create, start).
//
// podunit executes crun from such a memfd instead: a copy of the binary,
// sealed (no write, no resize, no more seals), made once per podunit process
// and shared by its invocations. The copy is what crun's own fallback makes;
// nothing can write to it, which is the protection. A crun that no longer
// clones itself just runs from the copy.

// sealedSeals are the seals crun checks for: exactly these (its
// CRUN_MEMFD_SEALS).
const sealedSeals = unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE

// sealedMinFD is the lowest descriptor number a sealed copy gets. The copy is
// executed as /proc/self/fd/N in the child, after os/exec has arranged the
// child's descriptors 0, 1, 2 and ExtraFiles, moving some of them above
// their count on the way (below 2 × their count): N must stay clear of
// that (useExec checks). It stays below 64, the size of a process's first
// descriptor table: a multi-threaded process that grows its table waits
// for an RCU grace period (5-12 ms here).
const sealedMinFD = 32

type sealedExe struct {
	once sync.Once
	f    *os.File // nil when no copy could be made; kept open (and reachable) for the process's life
	fd   int
}

// path is where a child executes the copy.
func (s *sealedExe) path() string { return fmt.Sprintf("/proc/self/fd/%d", s.fd) }

var sealedExes sync.Map // binary path → *sealedExe

// sealed is this process's sealed copy of r's binary, made on first use;
// nil for a runtime other than crun. Its f is nil where no copy could be
// made: the binary itself runs then.
func (r *Runtime) sealed() *sealedExe {
	if r.Name != "crun" && filepath.Base(r.Path) != "crun" {
		return nil
	}
	v, _ := sealedExes.LoadOrStore(r.Path, new(sealedExe))
	s := v.(*sealedExe)
	s.once.Do(func() {
		f, err := sealedCopy(r.Path)
		if err != nil {
			return
		}
		s.f, s.fd = f, int(f.Fd())
		if _, err := os.Stat(s.path()); err != nil { // no /proc to execute it through
			f.Close()
			s.f = nil
		}
	})
	return s
}

// useExec makes cmd execute r's sealed copy, with argv[0] still the
// binary's path (crun picks a handler by its name), unless cmd passes so
// many descriptors that os/exec could move one onto the copy's number.
func (r *Runtime) useExec(cmd *exec.Cmd) {
	cmd.Path = r.Path
	if s := r.sealed(); s != nil && s.f != nil && s.fd >= 2*(3+len(cmd.ExtraFiles)) {
		cmd.Path = s.path()
	}
}

// elfMagic reports whether f begins as an ELF file does.
func elfMagic(f *os.File) bool {
	magic := make([]byte, 4)
	_, err := f.ReadAt(magic, 0)
	return err == nil && string(magic) == "\x7fELF"
}

// sealedCopy copies the binary at path into a memfd and seals it.
func sealedCopy(path string) (*os.File, error) {
	src, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return nil, err
	}
	// only a program: a script run as /proc/self/fd/N leaves its
	// interpreter a path it cannot open (the descriptor closes at exec)
	if !elfMagic(src) {
		return nil, fmt.Errorf("%s is not an ELF program", path)
	}
	// MFD_EXEC: executable where vm.memfd_noexec asks for it (Linux 6.3);
	// older kernels refuse the flag, and their memfds are executable.
	fd, err := unix.MemfdCreate("podunit-runtime", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING|unix.MFD_EXEC)
	if errors.Is(err, unix.EINVAL) {
		fd, err = unix.MemfdCreate("podunit-runtime", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	}
	if err != nil {
		return nil, err
	}
	high, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, sealedMinFD)
	unix.Close(fd)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(high), "sealed copy of "+path)
	n, err := copyInto(f, src, fi.Size())
	if err == nil && n != fi.Size() {
		err = fmt.Errorf("copied %d of %d bytes", n, fi.Size())
	}
	if err == nil {
		_, err = unix.FcntlInt(f.Fd(), unix.F_ADD_SEALS, sealedSeals)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("sealed copy of %s: %w", path, err)
	}
	return f, nil
}

// copyInto copies size bytes of src into the empty memfd f: sized first, then
// filled by sendfile in the kernel, by io.Copy where sendfile is refused.
// BenchmarkSealedCopy of crun's 480 KB: 237 µs against 278 through io.Copy's
// buffer (its reads and writes, the memfd growing with each).
func copyInto(f, src *os.File, size int64) (int64, error) {
	if err := f.Truncate(size); err != nil {
		return 0, err
	}
	var n int64
	for n < size {
		w, err := unix.Sendfile(int(f.Fd()), int(src.Fd()), nil, int(size-n))
		if err != nil || w == 0 {
			if n == 0 && (errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS)) {
				return io.Copy(f, src)
			}
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return n, err
		}
		n += int64(w)
	}
	return n, nil
}
