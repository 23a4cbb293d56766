// Package network holds a pod's shared namespaces without a process: each is
// created by a throw-away OS thread and kept alive by a bind mount of its
// nsfs file under the run root. Networks are Podman network files that
// netavark attaches to such pinned namespaces, with published ports and
// aardvark-dns; the addresses are handed out here.
package network

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/sys/unix"
)

// Kinds of namespace a pod can share without a holder process.
const (
	Net = "net"
	IPC = "ipc"
	UTS = "uts"
)

var cloneFlags = map[string]int{Net: unix.CLONE_NEWNET, IPC: unix.CLONE_NEWIPC, UTS: unix.CLONE_NEWUTS}

// Pinned names the bind-mounted namespace files of one pod.
type Pinned struct {
	Dir string // the private mount holding one file per namespace
}

// Path is the file that pins namespace kind.
func (p Pinned) Path(kind string) string { return filepath.Join(p.Dir, kind) }

// Pin creates fresh namespaces of the given kinds and pins them under dir,
// which becomes a private bind mount of itself (so the nsfs mounts do not
// propagate anywhere). In a new network namespace the loopback interface is
// brought up; in a new UTS namespace the host name is set. Pinning pinned
// namespaces again is a no-op, so a re-run after a crash finishes the job.
func Pin(dir string, kinds []string, hostname string) (Pinned, error) {
	p := Pinned{Dir: dir}
	if p.All(kinds) {
		return p, nil
	}
	for _, k := range kinds {
		if _, ok := cloneFlags[k]; !ok {
			return p, fmt.Errorf("namespace %q cannot be shared without a process (want net, ipc or uts)", k)
		}
	}
	if err := Unpin(dir); err != nil {
		return p, err
	}
	if err := privateDir(dir); err != nil {
		return p, err
	}
	for _, k := range kinds {
		f, err := os.OpenFile(p.Path(k), os.O_CREATE|os.O_RDONLY, 0o444)
		if err != nil {
			return p, err
		}
		f.Close()
	}
	if err := onThrowawayThread(func() error { return pinOnThread(p, kinds, hostname) }); err != nil {
		_ = Unpin(dir)
		return p, fmt.Errorf("pinning the pod's namespaces in %s: %w", dir, err)
	}
	return p, nil
}

// onThrowawayThread runs fn on a goroutine of its own, off the main thread.
func onThrowawayThread(fn func() error) error {
	errc := make(chan error, 1)
	go func() { errc <- offMainThread(fn) }()
	return <-errc
}

// offMainThread runs fn on a goroutine that is not on the process's main
// thread: fn leaves its thread in other namespaces for good, and the main
// thread cannot be discarded (Go would keep it, and /proc/self/ns/* would
// then show the pod's namespaces for the whole process).
func offMainThread(fn func() error) error {
	runtime.LockOSThread()
	if unix.Gettid() != os.Getpid() {
		runtime.UnlockOSThread()
		return fn()
	}
	defer runtime.UnlockOSThread()
	errc := make(chan error, 1)
	go func() { errc <- fn() }() // this thread is locked: fn runs elsewhere
	return <-errc
}

// pinOnThread runs on a locked OS thread that is never unlocked: after it
// has moved into new namespaces, Go discards the thread when the goroutine ends.
func pinOnThread(p Pinned, kinds []string, hostname string) error {
	runtime.LockOSThread()
	flags := 0
	for _, k := range kinds {
		flags |= cloneFlags[k]
	}
	if err := unix.Unshare(flags); err != nil {
		return fmt.Errorf("unshare: %w", err)
	}
	tid := unix.Gettid()
	for _, k := range kinds {
		src := fmt.Sprintf("/proc/%d/task/%d/ns/%s", os.Getpid(), tid, k)
		if err := unix.Mount(src, p.Path(k), "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind mount of %s: %w", k, err)
		}
	}
	if flags&unix.CLONE_NEWUTS != 0 && hostname != "" {
		if err := unix.Sethostname([]byte(hostname)); err != nil {
			return fmt.Errorf("sethostname %q: %w", hostname, err)
		}
	}
	if flags&unix.CLONE_NEWNET != 0 {
		return loopbackUp()
	}
	return nil
}

// loopbackUp sets IFF_UP on lo in the calling thread's network namespace.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("reading lo's flags: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("bringing lo up: %w", err)
	}
	return nil
}

// privateDir makes dir a private bind mount of itself.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := unix.Mount(dir, dir, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind mount of %s: %w", dir, err)
	}
	if err := unix.Mount("", dir, "", unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making %s private: %w", dir, err)
	}
	return nil
}

// All reports whether every kind is a pinned namespace (none for no kinds).
func (p Pinned) All(kinds []string) bool {
	for _, k := range kinds {
		var st unix.Statfs_t
		if unix.Statfs(p.Path(k), &st) != nil || st.Type != unix.NSFS_MAGIC {
			return false
		}
	}
	return len(kinds) > 0
}

// Unpin unmounts everything under dir and dir itself, and removes it. What
// is not there is no error, so it finishes a half-done Pin or Unpin.
func Unpin(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	for _, e := range entries {
		_ = unix.Unmount(filepath.Join(dir, e.Name()), unix.MNT_DETACH)
	}
	for unix.Unmount(dir, unix.MNT_DETACH) == nil {
	}
	return os.RemoveAll(dir)
}

// Has reports whether kind is a pinned namespace.
func (p Pinned) Has(kind string) bool { return p.All([]string{kind}) }
