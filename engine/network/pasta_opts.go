package network

import (
	"fmt"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
)

// PastaDNSForward is the address in a pasta namespace whose DNS queries
// pasta forwards to the host's first name server (Podman 5's): a
// link-local one, so it meets nothing else there. A host resolver on
// loopback (systemd-resolved's 127.0.0.53), which the container cannot
// reach itself, is reachable this way.
const PastaDNSForward = "169.254.1.1"

// mapGW is Podman's own pseudo-option of pasta: keep pasta's default of
// mapping the gateway's address to the host's loopback. It is no option of
// pasta's and is taken out of its command line.
const mapGW = "--map-gw"

// pastaOpt is one option of pasta's command line, by its long name, and
// its value when it takes one.
type pastaOpt struct {
	name, value string
}

// pastaValued are pasta's options that take a value, by long name, with
// their short names.
var pastaValued = map[string]string{
	"--log-file": "-l", "--log-size": "", "--runas": "", "--ns-ifname": "-I", "--fd": "-F", "--pcap": "-p",
	"--pid": "-P", "--mtu": "-m", "--address": "-a", "--netmask": "-n", "--mac-addr": "-M", "--gateway": "-g",
	"--interface": "-i", "--outbound": "-o", "--outbound-if4": "", "--outbound-if6": "", "--dns": "-D",
	"--search": "-S", "--dns-forward": "", "--tcp-ports": "-t", "--udp-ports": "-u", "--tcp-ns": "-T",
	"--udp-ns": "-U", "--userns": "", "--netns": "", "--ns-mac-addr": "", "--map-host-loopback": "",
	"--map-guest-addr": "",
}

// pastaFlags are pasta's short options that take no value, by long name.
var pastaFlags = map[string]string{
	"-d": "--debug", "-q": "--quiet", "-f": "--foreground", "-e": "--stderr", "-h": "--help",
	"-4": "--ipv4-only", "-6": "--ipv6-only", "-1": "--one-off",
}

// pastaOwn are the options podunit gives pasta itself to run it the way it
// ends and finds it; a user's would break that.
var pastaOwn = map[string]string{
	"--netns":         "podunit hands pasta the container's network namespace",
	"--netns-only":    "podunit hands pasta the container's network namespace",
	"--userns":        "pasta stays in podunit's user namespace",
	"--pid":           "podunit keeps pasta's pid file, to end it",
	"--runas":         "pasta runs as the user, so that any podunit of the user may end it",
	"--foreground":    "podunit waits for pasta to go to the background",
	"--no-netns-quit": "podunit gives it already",
	"--fd":            "podunit hands pasta a network namespace, not a socket",
	"--help":          "pasta would only print its help",
	"--version":       "pasta would only print its version",
}

// ParsePastaOptions reads pasta's options as --network pasta:OPTIONS
// gives them, comma-separated (pasta:-T,8080,--ipv4-only), and checks
// them: each must be an option, or an option's value, and none of those
// podunit gives pasta itself. They are passed to pasta as they are.
func ParsePastaOptions(list string) ([]string, error) {
	opts := strings.Split(list, ",")
	if _, err := scanPasta(opts); err != nil {
		return nil, fmt.Errorf("--network pasta:%s: %w", list, err)
	}
	return opts, nil
}

// scanPasta reads opts into options by long name.
func scanPasta(opts []string) ([]pastaOpt, error) {
	var out []pastaOpt
	for i := 0; i < len(opts); i++ {
		o, takes, err := pastaName(opts[i])
		if err != nil {
			return nil, err
		}
		if why, ok := pastaOwn[o.name]; ok {
			return nil, fmt.Errorf("pasta option %s cannot be given: %s: %w", opts[i], why, errdefs.ErrInvalidArgument)
		}
		if takes {
			if i+1 == len(opts) {
				return nil, fmt.Errorf("pasta option %s wants a value after it: %w", opts[i], errdefs.ErrInvalidArgument)
			}
			i++
			o.value = opts[i]
		}
		out = append(out, o)
	}
	return out, nil
}

// pastaName is the option token s names, with its value when s carries
// it (--mtu=1500, -m1500); takes says the value is the next token.
func pastaName(s string) (o pastaOpt, takes bool, err error) {
	switch {
	case strings.HasPrefix(s, "--"):
		name, value, hasValue := strings.Cut(s, "=")
		_, valued := pastaValued[name]
		if hasValue && !valued {
			return o, false, fmt.Errorf("pasta option %s takes no value: %w", name, errdefs.ErrInvalidArgument)
		}
		return pastaOpt{name: name, value: value}, valued && !hasValue, nil
	case len(s) >= 2 && s[0] == '-':
		short := s[:2]
		if long, ok := pastaFlags[short]; ok && len(s) == 2 {
			return pastaOpt{name: long}, false, nil
		}
		for long, sh := range pastaValued {
			if sh == short {
				return pastaOpt{name: long, value: s[2:]}, len(s) == 2, nil
			}
		}
		return o, false, fmt.Errorf("pasta option %s is not one podunit knows (give options apart, with their values after them): %w",
			s, errdefs.ErrInvalidArgument)
	}
	return o, false, fmt.Errorf("%q is not a pasta option (a value must follow the option it belongs to): %w", s, errdefs.ErrInvalidArgument)
}

// pastaHas reports whether any of opts is option name (a long name).
func pastaHas(opts []pastaOpt, names ...string) bool {
	for _, o := range opts {
		for _, n := range names {
			if o.name == n {
				return true
			}
		}
	}
	return false
}

// DNSForward is where the namespace's DNS queries go with options opts
// (containers.conf's and the container's): the addresses their
// --dns-forward give, else PastaDNSForward, which podunit then gives pasta
// (none with --ipv6-only: it is an IPv4 address).
func (p Pasta) DNSForward() []string {
	opts, _ := scanPasta(p.Options)
	var out []string
	for _, o := range opts {
		if o.name == "--dns-forward" {
			out = append(out, o.value)
		}
	}
	if len(out) == 0 && !pastaHas(opts, "--ipv6-only") {
		out = []string{PastaDNSForward}
	}
	return out
}

// userArgs are p.Options without Podman's --map-gw, and the defaults
// podunit adds after them, each unless the options chose otherwise: no
// ports forwarded but the published ones, the gateway not mapped to the
// host's loopback, DNS forwarded from PastaDNSForward, and quiet.
func (p Pasta) userArgs() (user, defaults []string) {
	opts, _ := scanPasta(p.Options) // checked when the container was created
	for _, o := range p.Options {
		if o != mapGW {
			user = append(user, o)
		}
	}
	for _, d := range []struct {
		names []string
		args  []string
	}{
		{[]string{"--map-gw", "--no-map-gw"}, []string{"--no-map-gw"}},
		{[]string{"--dns-forward", "--ipv6-only"}, []string{"--dns-forward", PastaDNSForward}},
		{[]string{"--quiet", "--debug", "--trace"}, []string{"--quiet"}},
	} {
		if !pastaHas(opts, d.names...) {
			defaults = append(defaults, d.args...)
		}
	}
	return user, defaults
}

// takePasta takes containers.conf's [network] pasta_options, when set,
// checked as a container's.
func (d *Defaults) takePasta(opts *[]string) error {
	if opts == nil {
		return nil
	}
	if _, err := scanPasta(*opts); err != nil {
		return fmt.Errorf("[network] pasta_options: %w", err)
	}
	d.PastaOptions = *opts
	return nil
}
