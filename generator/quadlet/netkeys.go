package quadlet

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/podunit/podunit/generator/cliflags"
	"github.com/podunit/podunit/generator/unitfile"
)

// netKeys are the keys this file translates, added to supported: the
// network settings of containers and pods, and the [Network] and [Image]
// keys beyond the first ones.
var netKeys = map[Kind][]string{
	Container: {"AddHost", "DNS", "DNSOption", "DNSSearch", "IP", "IP6", "NetworkAlias"},
	Pod:       {"AddHost", "ContainersConfModule", "DNS", "DNSOption", "DNSSearch", "IP", "IP6", "NetworkAlias"},
	Network: {"ContainersConfModule", "DNS", "DisableDNS", "Driver", "IPAMDriver", "IPRange", "IPv6", "InterfaceName",
		"NetworkDeleteOnStop", "Options"},
	Volume: {"ContainersConfModule", "Copy", "Image"},
	Image: {"AllTags", "Arch", "CertDir", "ContainersConfModule", "DecryptionKey", "OS", "Retry", "RetryDelay",
		"Variant"},
}

// isSupported reports whether podunit translates key in kind's section.
func isSupported(kind Kind, key string) bool {
	return slices.Contains(supported[kind], key) || slices.Contains(netKeys[kind], key) ||
		slices.Contains(identKeysOf[kind], key)
}

// supportedKeys lists every key of kind's section podunit translates, sorted:
// supported's and the ones translated in files of their own (netKeys here,
// identKeysOf in ctr_ident.go).
func supportedKeys(kind Kind) []string {
	keys := slices.Concat(supported[kind], netKeys[kind], identKeysOf[kind])
	slices.Sort(keys)
	return slices.Compact(keys)
}

// netOptions translates the keys that set a container's or a pod's place
// on its first network (as Quadlet: one value for IP=/IP6=, every line
// for the others) and its name resolution.
func (t *translator) netOptions() error {
	for _, k := range [][2]string{{"IP", "--ip"}, {"IP6", "--ip6"}} {
		e, ok := t.last(k[0])
		if !ok {
			continue
		}
		if err := checkAddr(e, k[0]); err != nil {
			return err
		}
		t.args = append(t.args, unitfile.Value(k[1], e.Value)...)
	}
	for _, e := range t.all("DNS") {
		if err := checkAddr(e, "DNS"); err != nil && e.Value != "none" {
			return err
		}
	}
	for _, e := range t.all("AddHost") {
		if err := checkAddHost(e); err != nil {
			return err
		}
	}
	t.flagEach("NetworkAlias", "--network-alias")
	t.flagEach("DNS", "--dns")
	t.flagEach("DNSOption", "--dns-option")
	t.flagEach("DNSSearch", "--dns-search")
	t.flagEach("AddHost", "--add-host")
	return nil
}

// checkAddr refuses a value that is not an address of the family key
// takes (IP: IPv4, IP6: IPv6, others: either); a value with specifiers is
// systemd's to expand and passes.
func checkAddr(e unitfile.Entry, key string) error {
	if unitfile.HasExpansion(e.Value) {
		return nil
	}
	a, err := netip.ParseAddr(e.Value)
	switch {
	case err != nil:
		return errf(e, "not an IP address")
	case key == "IP6" && !a.Is6():
		return errf(e, "not an IPv6 address")
	case key == "IP" && !a.Is4():
		return errf(e, "not an IPv4 address")
	}
	return nil
}

// checkAddHost refuses an AddHost= value that is not HOST[;HOST…]:IP
// (IP an address or host-gateway, as podman's --add-host).
func checkAddHost(e unitfile.Entry) error {
	if unitfile.HasExpansion(e.Value) {
		return nil
	}
	hosts, ip, ok := strings.Cut(e.Value, ":")
	if !ok || hosts == "" || ip == "" {
		return errf(e, "want HOST[;HOST...]:IP")
	}
	if ip == "host-gateway" {
		return nil
	}
	if _, err := netip.ParseAddr(strings.Trim(ip, "[]")); err != nil {
		return errf(e, "%q is not an IP address (or host-gateway)", ip)
	}
	return nil
}

// confModules translates ContainersConfModule= into the global --module
// flag, checked against podunit's flag table like GlobalArgs=. A
// .container's modules go on ExecStart= only (t.modules): only there is
// containers.conf read, for the container's defaults; stop and cleanup
// work from the record, so a module gone missing cannot keep a container
// from being cleaned up. Other kinds' go on every command (t.globals).
func (t *translator) confModules() error {
	for _, e := range t.all("ContainersConfModule") {
		args := []string{"--module", e.Value}
		if err := cliflags.Check(cliflags.Global, args); err != nil {
			return errf(e, "%v", err)
		}
		t.modules = append(t.modules, unitfile.Value(args...)...)
	}
	if t.id.Kind != Container {
		t.globals, t.modules = append(t.globals, t.modules...), nil
	}
	return nil
}
