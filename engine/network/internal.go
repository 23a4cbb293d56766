package network

import (
	"errors"
	"os/exec"
	"strings"
)

// An internal network's bridge has an address when the network has DNS
// (aardvark-dns listens there), and netavark 1.4 lets its containers reach
// every service of the host through it. podunit keeps them to DNS: rules
// in INPUT accept DNS to the gateway from the network's subnets and drop
// the rest (rejected), added at attach and removed with the network.

// internalRules are the INPUT rules of n, by binary, in the order they
// must appear (the accepts before the drop).
func internalRules(n Network) map[string][][]string {
	out := map[string][][]string{}
	if !n.Internal {
		return out
	}
	comment := []string{"-m", "comment", "--comment", "podunit internal " + n.Name}
	for _, s := range n.Subnets {
		if s.Gateway == nil {
			continue
		}
		bin := "iptables"
		if s.Subnet.IP.To4() == nil {
			bin = "ip6tables"
		}
		src := []string{"-s", s.Subnet.String()}
		for _, proto := range []string{"udp", "tcp"} {
			r := append(append([]string{}, src...), "-d", s.Gateway.String(), "-p", proto, "--dport", "53")
			out[bin] = append(out[bin], append(append(r, comment...), "-j", "ACCEPT"))
		}
		// REJECT, not DROP: a connection fails at once instead of after the SYN retries
		out[bin] = append(out[bin], append(append(append([]string{}, src...), comment...), "-j", "REJECT"))
	}
	return out
}

// ensureInternal adds n's INPUT rules that are missing.
func ensureInternal(n Network) error {
	for bin, rules := range internalRules(n) {
		for i := len(rules) - 1; i >= 0; i-- {
			if exec.Command(bin, append([]string{"-w", "-C", "INPUT"}, rules[i]...)...).Run() == nil {
				continue
			}
			if err := iptables(bin, append([]string{"-I", "INPUT", "1"}, rules[i]...)...); err != nil {
				return err
			}
		}
	}
	return nil
}

// removeInternal deletes n's INPUT rules.
func removeInternal(n Network) error {
	var errs []error
	for bin, rules := range internalRules(n) {
		for _, r := range rules {
			for exec.Command(bin, append([]string{"-w", "-C", "INPUT"}, r...)...).Run() == nil {
				if err := iptables(bin, append([]string{"-D", "INPUT"}, r...)...); err != nil {
					errs = append(errs, err)
					break
				}
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return errors.New(strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return nil
}
