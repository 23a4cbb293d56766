package network

import (
	"bufio"
	"bytes"
	"os"
	"strings"
)

// HostEntry is one line of a container's /etc/hosts.
type HostEntry struct {
	IP    string
	Names []string
}

// HostsFile is a container's /etc/hosts: localhost, then entries in order,
// each name listed once (the first entry naming it wins).
func HostsFile(entries []HostEntry) []byte {
	var b bytes.Buffer
	b.WriteString("127.0.0.1\tlocalhost localhost.localdomain localhost4 localhost4.localdomain4\n")
	b.WriteString("::1\tlocalhost localhost.localdomain localhost6 localhost6.localdomain6\n")
	seen := map[string]bool{"localhost": true}
	for _, e := range entries {
		var names []string
		for _, n := range e.Names {
			if n != "" && !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
		if e.IP != "" && len(names) > 0 {
			b.WriteString(e.IP + "\t" + strings.Join(names, " ") + "\n")
		}
	}
	return b.Bytes()
}

// ResolvConf is a container's /etc/resolv.conf made from the host's:
// loopback name servers (a local resolver the container cannot reach) are
// dropped; when only those were there, systemd-resolved's upstream file is
// used if it exists.
func ResolvConf(host []byte) []byte {
	out, kept, dropped := filterResolv(host)
	if kept == 0 && dropped > 0 {
		if up, err := os.ReadFile("/run/systemd/resolve/resolv.conf"); err == nil {
			out, _, _ = filterResolv(up)
		}
	}
	return out
}

func filterResolv(data []byte) (out []byte, kept, dropped int) {
	var b bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "nameserver" {
			if strings.HasPrefix(f[1], "127.") || f[1] == "::1" {
				dropped++
				continue
			}
			kept++
		}
		b.WriteString(line + "\n")
	}
	return b.Bytes(), kept, dropped
}
