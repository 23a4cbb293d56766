package network

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/podunit/podunit/internal/atomicfile"
)

// The DNS keeper. netavark 1.4 keeps one aardvark-dns config file per DNS
// network (the listen addresses, then one line per container) and deletes
// the file when it removes the last container's line; aardvark-dns then
// stops once no file is left, and the next container on the network
// starts it again (spawned, waited for, moved into its scope). With the
// bridge kept that start and stop was the biggest cost left of a lone
// `run --rm` on a DNS network. So podunit adds a line of its own to the
// file netavark made, a keeper without addresses: netavark removes only
// its containers' lines and the file, and aardvark-dns, stay until
// `network rm` takes the line away again before its last teardown.

// dnsKeeperLine is the keeper's entry: an ID no container ID (64 hex
// digits) contains or is contained in, no IPv4 or IPv6 address, one name.
const dnsKeeperLine = "podunit-dns-keeper   podunit-dns-keeper"

// dnsFile is aardvark-dns's config file for network name.
func (m *Manager) dnsFile(name string) string { return filepath.Join(m.RunDir, "aardvark-dns", name) }

// keepDNS adds the keeper's line to n's aardvark-dns file when netavark
// has made the file (a container is set up on it) and the line is not in
// it yet. Called under the netavark lock.
func (m *Manager) keepDNS(n Network) error {
	if !n.DNSEnabled {
		return nil
	}
	data, err := os.ReadFile(m.dnsFile(n.Name))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil || hasLine(string(data), dnsKeeperLine) {
		return err
	}
	if !strings.HasSuffix(string(data), "\n") {
		data = append(data, '\n')
	}
	return atomicfile.Write(m.dnsFile(n.Name), append(data, dnsKeeperLine+"\n"...), 0o644)
}

// dropDNS takes the keeper's line out of n's aardvark-dns file, and the
// file itself when no container is left in it (as netavark would), so the
// teardown that follows stops aardvark-dns with the network's last user.
func (m *Manager) dropDNS(n Network) error {
	data, err := os.ReadFile(m.dnsFile(n.Name))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil || !hasLine(string(data), dnsKeeperLine) {
		return err
	}
	var keep []string
	for _, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if l != dnsKeeperLine {
			keep = append(keep, l)
		}
	}
	if len(keep) <= 1 { // the listen addresses alone
		return os.Remove(m.dnsFile(n.Name))
	}
	return atomicfile.Write(m.dnsFile(n.Name), []byte(strings.Join(keep, "\n")+"\n"), 0o644)
}

// dropDNSNotify is dropDNS followed by a SIGHUP to aardvark-dns, which
// rereads its files (and stops when none is left), as netavark's
// teardown would have it do.
func (m *Manager) dropDNSNotify(n Network) error {
	if _, err := os.Stat(m.dnsFile(n.Name)); os.IsNotExist(err) {
		return nil
	}
	if err := m.dropDNS(n); err != nil {
		return err
	}
	if pid := m.AardvarkPID(); pid > 0 {
		return syscall.Kill(pid, syscall.SIGHUP)
	}
	return nil
}

func hasLine(data, line string) bool {
	return strings.HasPrefix(data, line+"\n") || strings.Contains(data, "\n"+line+"\n") || strings.HasSuffix(data, "\n"+line)
}
