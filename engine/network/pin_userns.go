package network

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// User is a pod's user namespace, pinned with its other namespaces.
const User = "user"

// PinUserNS is Pin for a pod with a user namespace of its own: the
// namespace is made with the maps given and the others inside it, so its
// members, which join it, own them (they can mount a sysfs for the network
// namespace, say). Go cannot unshare a user namespace from a thread of a
// threaded process, so a short-lived catatonit is started in all of them,
// its namespaces are bound, and it is killed.
func PinUserNS(dir string, kinds []string, hostname string, uids, gids []syscall.SysProcIDMap) (Pinned, error) {
	p := Pinned{Dir: dir}
	all := append([]string{User}, kinds...)
	if p.All(all) {
		return p, nil
	}
	if err := Unpin(dir); err != nil {
		return p, err
	}
	if err := privateDir(dir); err != nil {
		return p, err
	}
	if err := pinThroughHolder(p, all, uids, gids); err != nil {
		_ = Unpin(dir)
		return p, fmt.Errorf("pinning the pod's namespaces in %s: %w", dir, err)
	}
	if err := onThrowawayThread(func() error { return setupOnThread(p, kinds, hostname) }); err != nil {
		_ = Unpin(dir)
		return p, fmt.Errorf("setting up the pod's namespaces in %s: %w", dir, err)
	}
	return p, nil
}

// pinThroughHolder starts catatonit in new namespaces of every kind and
// binds them.
func pinThroughHolder(p Pinned, kinds []string, uids, gids []syscall.SysProcIDMap) error {
	path, err := holderBinary()
	if err != nil {
		return err
	}
	flags := uintptr(unix.CLONE_NEWUSER)
	for _, k := range kinds[1:] {
		flags |= uintptr(cloneFlags[k])
	}
	cmd := exec.Command(path, "-P")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: flags, UidMappings: uids, GidMappings: gids,
		GidMappingsEnableSetgroups: true, Setsid: true} // members' runtimes call setgroups
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s in new namespaces: %w", path, err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	for _, k := range kinds {
		f, err := os.OpenFile(p.Path(k), os.O_CREATE|os.O_RDONLY, 0o444)
		if err != nil {
			return err
		}
		f.Close()
		src := fmt.Sprintf("/proc/%d/ns/%s", cmd.Process.Pid, k)
		if err := unix.Mount(src, p.Path(k), "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind mount of %s: %w", k, err)
		}
	}
	return nil
}

// setupOnThread enters the pinned UTS and network namespaces on a locked
// thread (never unlocked: Go discards it) to set the host name and bring
// lo up. Root of the host has every capability there.
func setupOnThread(p Pinned, kinds []string, hostname string) error {
	runtime.LockOSThread()
	for _, k := range kinds {
		if (k != UTS || hostname == "") && k != Net {
			continue
		}
		fd, err := unix.Open(p.Path(k), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		err = unix.Setns(fd, cloneFlags[k])
		unix.Close(fd)
		if err != nil {
			return fmt.Errorf("entering the %s namespace: %w", k, err)
		}
		if k == UTS {
			err = unix.Sethostname([]byte(hostname))
		} else {
			err = loopbackUp()
		}
		if err != nil {
			return err
		}
	}
	return nil
}
