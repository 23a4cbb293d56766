package oci

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/internal/pidfile"
)

// A created container's init waits on a fifo in the runtime's state
// directory (<root>/<id>/exec.fifo) until the runtime's `start` opens its
// other end, passes a byte and removes it; the runtime then reads the
// container as running because the fifo is gone. That is all `crun start`
// and `runc start` do for a spec without poststart hooks (podunit writes
// none) and without NOTIFY_SOCKET (runtimeEnv drops it). Each is a process
// of its own, though: 3–4 ms of a container's start, on the path of every
// `run` and of every member of a pod. release does the same from this
// process, through the same files, for the two runtimes whose layout it
// knows; another runtime, or a crun or runc that is a wrapper script (the
// fault-injection tests' kind), gets its own `start`.
//
// The directions differ: crun's init reads the fifo (opened at create,
// so an open for writing finds a reader while the init lives), runc's
// init opens it for writing and writes a byte once a reader comes.

// released reports whether release can stand in for r's `start`: crun or
// runc, run from an ELF program (what would execute is the runtime itself).
func (r *Runtime) released() bool {
	switch r.Name {
	case "crun":
		s := r.sealed()
		return s != nil && s.f != nil
	case "runc":
		return isELF(r.Path)
	}
	return false
}

func isELF(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return elfMagic(f)
}

// release lets the created container id's init run its user process.
// A container whose init no longer waits (killed, or released by another
// start) is ErrNotWaiting, as the runtimes' own start reports it.
func (r *Runtime) release(ctx context.Context, id, bundle string) error {
	fifo := filepath.Join(r.Root, id, "exec.fifo")
	var err error
	if r.Name == "crun" {
		err = releaseCrun(fifo)
	} else {
		err = releaseRunc(ctx, fifo, bundle)
	}
	if err != nil {
		return fmt.Errorf("%s start %s: %w", r.Name, id, err)
	}
	return nil
}

// releaseCrun writes crun's init its byte. Non-blocking: with no reader
// left (the init is gone) the open fails at once instead of waiting.
func releaseCrun(fifo string) error {
	fd, err := unix.Open(fifo, unix.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return notWaitingErr(fifo, err)
	}
	defer unix.Close(fd)
	if err := unix.Unlink(fifo); err != nil {
		return notWaitingErr(fifo, err)
	}
	if _, err := unix.Write(fd, []byte{0}); err != nil {
		return notWaitingErr(fifo, err)
	}
	return nil
}

// releaseRunc opens runc's fifo for reading, which lets the init's open
// for writing return, and waits for its byte, or for the init to be gone
// (its pidfd readable: nobody will ever write).
func releaseRunc(ctx context.Context, fifo, bundle string) error {
	pid, err := pidfile.Read(bundlePidFile(bundle))
	if err != nil {
		return err
	}
	pidfd, err := pidfdOpen(pid, 0)
	if errors.Is(err, unix.ENOSYS) {
		return errNoPidfd // a kernel before 5.3: runc's own start waits without one
	}
	if err != nil {
		return notWaitingErr(fifo, err) // ESRCH: the init is gone
	}
	defer unix.Close(pidfd)
	fd, err := unix.Open(fifo, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return notWaitingErr(fifo, err)
	}
	defer unix.Close(fd)
	buf := make([]byte, 16)
	for {
		n, err := unix.Read(fd, buf)
		if n > 0 {
			break // the init wrote: it execs its process now
		}
		if err != nil && !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR) {
			return notWaitingErr(fifo, err)
		}
		// n == 0 (no writer yet, or one that left) or EAGAIN (one that has
		// not written yet): wait for data, the init's end, or the caller
		if err := waitReadable(ctx, fd, pidfd); err != nil {
			return notWaitingErr(fifo, err)
		}
	}
	if err := unix.Unlink(fifo); err != nil {
		return notWaitingErr(fifo, err)
	}
	return nil
}

// pidfdOpen is unix.PidfdOpen; a test makes it fail as an old kernel does.
var pidfdOpen = unix.PidfdOpen

// errNoPidfd: the kernel has no pidfd_open (Linux before 5.3), without
// which releaseRunc cannot tell an init that will never write from one
// that has not yet; StartExec runs runc's own start instead.
var errNoPidfd = errors.New("no pidfd_open in this kernel")

// errInitGone is the init's exit seen through its pidfd.
var errInitGone = errors.New("the container's init exited")

// waitReadable waits until fd may have data, pidfd says its process
// exited, or ctx ends. A fifo whose writer came and went without writing
// polls as hung up at once: then it looks again a millisecond later (the
// init that left it is exiting, and its pidfd will say so).
func waitReadable(ctx context.Context, fd, pidfd int) error {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}, {Fd: int32(pidfd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 100)
	switch {
	case err != nil && !errors.Is(err, unix.EINTR):
		return err
	case n > 0 && fds[0].Revents&unix.POLLIN != 0:
		return nil
	case n > 0 && fds[1].Revents != 0:
		return errInitGone
	case n > 0 && fds[0].Revents&unix.POLLHUP != 0:
		time.Sleep(time.Millisecond)
	}
	return ctx.Err()
}

// notWaitingErr names why the fifo could not be used. No fifo (another
// start took it, or the container is not in created state), no reader on
// it (crun's init is gone), a reader gone mid-write, or runc's init gone:
// the init no longer waits.
func notWaitingErr(fifo string, err error) error {
	switch {
	case errors.Is(err, unix.ENOENT), errors.Is(err, unix.ENXIO), errors.Is(err, unix.EPIPE),
		errors.Is(err, unix.ESRCH), errors.Is(err, errInitGone):
		return fmt.Errorf("%s: %w: %w", fifo, err, ErrNotWaiting)
	}
	return fmt.Errorf("%s: %w", fifo, err)
}
