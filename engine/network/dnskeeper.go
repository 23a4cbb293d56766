package network

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

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
	return m.writeDNSFile(n.Name, append(data, dnsKeeperLine+"\n"...))
}

func isKeeper(line string) bool { return line == dnsKeeperLine }

// editDNS takes the lines drop says out of network name's aardvark-dns
// file, and with removeEmpty the file when no line but the listen
// addresses is left (as netavark does); it reports whether it changed
// anything.
func (m *Manager) editDNS(name string, drop func(string) bool, removeEmpty bool) (bool, error) {
	data, err := os.ReadFile(m.dnsFile(name))
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	keep := slices.DeleteFunc(slices.Clone(lines), drop)
	switch {
	case len(keep) == len(lines):
		return false, nil
	case len(keep) <= 1 && removeEmpty: // the listen addresses alone
		return true, os.Remove(m.dnsFile(name))
	}
	return true, m.writeDNSFile(name, []byte(strings.Join(keep, "\n")+"\n"))
}

// dropDNSNotify, for network rm, takes the keeper's line out of n's
// aardvark-dns file and the file when no container's line is left (as
// netavark would), and tells aardvark-dns, which rereads its files (and
// stops when none is left: then it is waited for). network rm's own setup
// and teardown then hand netavark the network without DNS: with them,
// netavark would make the file again and signal aardvark-dns twice more,
// each signal a reread under way while the next file goes.
//
// aardvark-dns is told even when the file was changed already: a removal
// killed between its edit and its signal (or while it waited for
// aardvark-dns to stop) left it running, told of nothing, for the re-run
// to find (TestFaultInjection).
func (m *Manager) dropDNSNotify(n Network) error {
	if _, err := m.editDNS(n.Name, isKeeper, true); err != nil {
		return err
	}
	return m.notifyAardvark()
}

// writeDNSFile replaces network name's aardvark-dns file whole. Its
// temporary file is made in RunDir, not beside it: aardvark-dns takes
// every file in its directory for a network's and stops on one it cannot
// read (a file half written, or a second one with the same addresses).
func (m *Manager) writeDNSFile(name string, data []byte) error {
	return atomicfile.WriteVolatileFrom(m.RunDir, m.dnsFile(name), data, 0o644)
}

func hasLine(data, line string) bool {
	return strings.HasPrefix(data, line+"\n") || strings.Contains(data, "\n"+line+"\n") || strings.HasSuffix(data, "\n"+line)
}
