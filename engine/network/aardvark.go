package network

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"go.podman.io/common/libnetwork/types"

	"github.com/podunit/podunit/internal/pidfile"
	"github.com/podunit/podunit/internal/procstat"
)

// aardvark-dns's life. netavark 1.4 starts aardvark-dns at a setup that
// finds none running (no pid file, or its pid gone) and sends it SIGHUP
// after each change of its files; aardvark-dns then rereads every file in
// its directory, and stops on one it cannot parse (pid file left behind),
// or, finding none, removes its pid file and exits. Both in its own time,
// which netavark does not wait for:
//   - netavark's teardown removes a container's line by truncating the
//     network's file and writing the rest back: an aardvark-dns still
//     rereading for the change before finds the file empty and stops
//     (seen under strace: "does not provide any bind addresses");
//   - a setup that comes while aardvark-dns is on its way out finds it
//     alive, signals it and writes its line; it exits all the same, that
//     container's name never resolves, and the next teardown fails with
//     "aardvark pid not found" (CI: `network rm` of several DNS networks).
// So podunit takes the teardown's part itself (forgetDNS): it removes the
// owner's lines whole-file (a rename), tells aardvark-dns, and hands
// netavark's teardown the networks without DNS, so netavark leaves the
// files alone. And whenever the last file is gone, it waits, under the
// netavark lock, until that aardvark-dns has stopped: the next setup then
// starts a new one.

// settleTimeout bounds the wait for an aardvark-dns told that no network
// is left; it then gets SIGKILL (it serves nothing any more).
const settleTimeout = 30 * time.Second

func (m *Manager) aardvarkDir() string { return filepath.Join(m.RunDir, "aardvark-dns") }

func (m *Manager) aardvarkPIDFile() string { return filepath.Join(m.aardvarkDir(), "aardvark.pid") }

// AardvarkPID is the pid of the aardvark-dns netavark started for this
// engine; 0 when none runs.
func (m *Manager) AardvarkPID() int {
	pid, err := pidfile.Read(m.aardvarkPIDFile())
	if err != nil || !isAardvark(pid) {
		return 0
	}
	return pid
}

// isAardvark reports whether pid is a live aardvark-dns (not a zombie, not
// another process that got its pid since).
func isAardvark(pid int) bool {
	st, err := procstat.Read(pid)
	return err == nil && st.Comm == "aardvark-dns" && st.Live()
}

// dnsNetworksLeft reports whether aardvark-dns still has a network's file.
func (m *Manager) dnsNetworksLeft() bool {
	entries, _ := os.ReadDir(m.aardvarkDir())
	for _, e := range entries {
		if name := e.Name(); name != "aardvark.pid" && !strings.HasPrefix(name, ".") {
			return true
		}
	}
	return false
}

// settleAardvark is called under the netavark lock once aardvark-dns pid
// has been told of its files: when no file is left, it waits until
// aardvark-dns has gone, so no later setup finds it on its way out.
func (m *Manager) settleAardvark(pid int) error {
	if pid <= 0 || m.dnsNetworksLeft() || !isAardvark(pid) {
		return nil
	}
	if !waitGone(pid, settleTimeout) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		if !waitGone(pid, 10*time.Second) {
			return fmt.Errorf("aardvark-dns (pid %d) does not stop, though no DNS network is left", pid)
		}
	}
	// killed, it left its pid file: a later process of that pid is no aardvark-dns
	if left, err := pidfile.Read(m.aardvarkPIDFile()); err == nil && left == pid {
		_ = os.Remove(m.aardvarkPIDFile())
	}
	return nil
}

func waitGone(pid int, timeout time.Duration) bool {
	for end := time.Now().Add(timeout); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if !isAardvark(pid) {
			return true
		}
	}
	return !isAardvark(pid)
}

// forgetDNS takes owner id's lines out of the aardvark-dns file of each
// DNS network of o (netavark's teardown does this too, but by truncating
// the file in place), tells aardvark-dns and settles it; it returns o for
// netavark's teardown: the same, its networks without DNS. A network
// whose file is gone and an aardvark-dns that is not running are no
// error: there is nothing to take out, nobody to tell.
func (m *Manager) forgetDNS(id string, o *netavarkOpts) (*netavarkOpts, error) {
	out := *o
	out.NetworkInfo = map[string]*Network{}
	changed := false
	for name, n := range o.NetworkInfo {
		if !n.DNSEnabled || n.Driver != types.BridgeNetworkDriver {
			out.NetworkInfo[name] = n
			continue
		}
		c, err := m.editDNS(name, func(l string) bool { return strings.HasPrefix(l, id+" ") }, true)
		if err != nil {
			return nil, fmt.Errorf("network %q: removing %s from aardvark-dns's file: %w", name, id, err)
		}
		changed = changed || c
		quiet := *n
		quiet.DNSEnabled = false
		out.NetworkInfo[name] = &quiet
	}
	if !changed {
		return &out, nil
	}
	return &out, m.notifyAardvark()
}

// notifyAardvark tells aardvark-dns to reread its files, if it runs, and
// waits for it to stop when none is left.
func (m *Manager) notifyAardvark() error {
	pid := m.AardvarkPID()
	if pid == 0 {
		return nil
	}
	if err := syscall.Kill(pid, syscall.SIGHUP); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("telling aardvark-dns (pid %d) of its files: %w", pid, err)
	}
	return m.settleAardvark(pid)
}
