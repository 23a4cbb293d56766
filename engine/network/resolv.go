package network

import (
	"bufio"
	"bytes"
	"strings"
)

// ResolvParams are what a container's /etc/resolv.conf is made of besides
// the host's.
type ResolvParams struct {
	NetworkServers []string // aardvark-dns's addresses on the container's networks: first
	NetworkSearch  []string // their search domains (dns.podman)
	Servers        []string // --dns: instead of the host's name servers
	Search         []string // --dns-search: instead of the host's domains ("." for none)
	Options        []string // --dns-option: after the host's options
}

// BuildResolvConf is a container's /etc/resolv.conf: the host's (loopback
// servers dropped, see ResolvConf) with p applied.
func BuildResolvConf(host []byte, p ResolvParams) []byte {
	var servers, search, options []string
	sc := bufio.NewScanner(bytes.NewReader(ResolvConf(host)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "nameserver":
			servers = append(servers, f[1])
		case "search", "domain":
			search = append(search, f[1:]...)
		case "options":
			options = append(options, f[1:]...)
		}
	}
	if len(p.Servers) > 0 {
		servers = p.Servers
	}
	if len(p.Search) > 0 {
		search = p.Search
		if len(search) == 1 && search[0] == "." {
			search = nil
		}
	}
	var b bytes.Buffer
	if s := append(append([]string{}, search...), p.NetworkSearch...); len(s) > 0 {
		b.WriteString("search " + strings.Join(s, " ") + "\n")
	}
	for _, s := range append(append([]string{}, p.NetworkServers...), servers...) {
		b.WriteString("nameserver " + s + "\n")
	}
	if o := append(options, p.Options...); len(o) > 0 {
		b.WriteString("options " + strings.Join(o, " ") + "\n")
	}
	return b.Bytes()
}
