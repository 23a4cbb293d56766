package quadlet

import (
	"slices"

	"github.com/podunit/podunit/generator/unitfile"
)

// networkDrivers are network create --driver's values.
var networkDrivers = []string{"bridge", "macvlan", "ipvlan"}

// network translates a .network file into network create, with
// NetworkDeleteOnStop= a network rm when the unit stops.
func (t *translator) network() error {
	if err := t.checkSubnets(); err != nil {
		return err
	}
	t.args = t.cmd("network", "create", "--ignore")
	for _, b := range [][2]string{{"DisableDNS", "--disable-dns"}, {"Internal", "--internal"}, {"IPv6", "--ipv6"}} {
		on, err := t.boolean(b[0])
		if err != nil {
			return err
		}
		if on {
			t.args = append(t.args, unitfile.Arg{Text: b[1]})
		}
	}
	if e, ok := t.last("Driver"); ok && !unitfile.HasExpansion(e.Value) && !slices.Contains(networkDrivers, e.Value) {
		return errf(e, "not a network driver (bridge, macvlan, ipvlan)")
	}
	t.flag("Driver", "--driver")
	t.flag("IPAMDriver", "--ipam-driver")
	t.flag("InterfaceName", "--interface-name")
	for _, e := range t.all("DNS") {
		if err := checkAddr(e, "DNS"); err != nil {
			return err
		}
	}
	t.flagEach("DNS", "--dns")
	t.subnets()
	if err := t.flagWords("Options", "--opt"); err != nil {
		return err
	}
	if err := t.labels(); err != nil {
		return err
	}
	if err := t.podmanArgs(); err != nil {
		return err
	}
	if err := t.oneshot(append(t.args, t.id.Object)); err != nil {
		return err
	}
	rm, err := t.boolean("NetworkDeleteOnStop")
	if err != nil || !rm {
		return err
	}
	return t.exec("ExecStopPost", append(t.cmd("network", "rm"), t.id.Object))
}

// subnets adds each Subnet= with the Gateway= and IPRange= of the same
// place, as Quadlet pairs them.
func (t *translator) subnets() {
	gateways, ranges := t.all("Gateway"), t.all("IPRange")
	for i, s := range t.all("Subnet") {
		t.args = append(t.args, unitfile.Value("--subnet", s.Value)...)
		if i < len(gateways) {
			t.args = append(t.args, unitfile.Value("--gateway", gateways[i].Value)...)
		}
		if i < len(ranges) {
			t.args = append(t.args, unitfile.Value("--ip-range", ranges[i].Value)...)
		}
	}
}

// checkSubnets refuses gateways and address ranges without, or beyond,
// subnets: Quadlet pairs the n-th Gateway= and IPRange= with the n-th
// Subnet=.
func (t *translator) checkSubnets() error {
	subnets := t.sec.All("Subnet")
	for _, key := range []string{"Gateway", "IPRange"} {
		es := t.sec.All(key)
		what := map[string]string{"Gateway": "a gateway", "IPRange": "an address range"}[key]
		switch {
		case len(es) > 0 && len(subnets) == 0:
			return errf(es[0], "%s needs a Subnet=", what)
		case len(es) > len(subnets):
			return errf(es[len(subnets)], "more %s= than Subnet= (the n-th %s belongs to the n-th subnet)", key, key)
		}
	}
	return nil
}
