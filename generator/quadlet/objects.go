package quadlet

import (
	"fmt"
	"strings"

	"github.com/podunit/podunit/generator/unitfile"
)

// mount translates Mount=type=bind|volume|tmpfs,source=…,destination=…[,ro]
// into podunit's -v and --tmpfs flags.
func (t *translator) mount(e unitfile.Entry) ([]unitfile.Arg, error) {
	kv := map[string]string{}
	ro := false
	for _, f := range strings.Split(e.Value, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
		switch k = strings.ToLower(k); k {
		case "type", "source", "src", "destination", "dst", "target":
			kv[k] = v
		case "ro", "readonly":
			ro = v == "" || v == "true" || v == "1"
		case "rw":
			ro = false
		default:
			return nil, errf(e, "mount option %q is not supported (type, source, destination, ro)", k)
		}
	}
	src := first(kv, "source", "src")
	dst := first(kv, "destination", "dst", "target")
	if dst == "" {
		return nil, errf(e, "mount has no destination=")
	}
	switch kv["type"] {
	case "tmpfs":
		return unitfile.Value("--tmpfs", dst), nil
	case "bind", "volume":
		if src == "" {
			return nil, errf(e, "mount has no source=")
		}
		name, err := t.volumeSource(e, src)
		if err != nil {
			return nil, err
		}
		v := name + ":" + dst
		if ro {
			v += ":ro"
		}
		return unitfile.Value("-v", v), nil
	}
	return nil, errf(e, "mount type %q is not supported (bind, volume, tmpfs)", kv["type"])
}

func first(kv map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := kv[k]; v != "" {
			return v
		}
	}
	return ""
}

// oneshot writes the [Service] of a unit that runs a command once and stays
// active.
func (t *translator) oneshot(start []unitfile.Arg) error {
	t.out.Add("Service", "Type", "oneshot")
	t.out.Add("Service", "RemainAfterExit", "yes")
	if _, ok := t.out.Section("Service").Lookup("SyslogIdentifier"); !ok {
		t.out.Add("Service", "SyslogIdentifier", "%N")
	}
	return t.exec("ExecStart", start)
}

func (t *translator) podUnit() error {
	t.networkOnline()
	t.args = append(t.cmd("pod", "create", "--replace", "--name"), t.id.Object)
	if err := t.exitPolicy(); err != nil {
		return err
	}
	t.flag("HostName", "--hostname")
	if err := t.labels(); err != nil {
		return err
	}
	t.flagEach("PublishPort", "-p")
	if err := t.networks(); err != nil {
		return err
	}
	if err := t.userMappings(); err != nil { // ctr_ident.go
		return err
	}
	if err := t.podmanArgs(); err != nil {
		return err
	}
	// Volume= is checked here, with its dependencies, and given to each member
	n := len(t.args)
	if err := t.volumes(); err != nil {
		return err
	}
	t.args = t.args[:n]
	t.out.Add("Service", "Environment", "PODUNIT_SYSTEMD_UNIT=%n")
	if _, set := t.out.Section("Service").Lookup("Slice"); !set {
		if slice := podSlice(t.id.Object.Text); slice != "" {
			t.out.Add("Service", "Slice", slice)
		}
	}
	if err := t.exec("ExecStartPre", t.args); err != nil {
		return err
	}
	if err := t.oneshot(append(t.cmd("pod", "unit-start"), t.id.Object)); err != nil {
		return err
	}
	return t.exec("ExecStopPost", append(t.cmd("pod", "unit-stop", "--rm"), t.id.Object))
}

func (t *translator) volume() error {
	if err := t.checkDevice(); err != nil {
		return err
	}
	t.args = t.cmd("volume", "create", "--ignore")
	if err := t.volumeOwner(); err != nil {
		return err
	}
	if err := t.labels(); err != nil {
		return err
	}
	for _, o := range [][2]string{{"Type", "type="}, {"Device", "device="}, {"Options", "o="}} {
		if e, ok := t.last(o[0]); ok {
			t.args = append(t.args, unitfile.Value("--opt", o[1]+e.Value)...)
		}
	}
	if err := t.podmanArgs(); err != nil {
		return err
	}
	return t.oneshot(append(t.args, t.id.Object))
}

func (t *translator) network() error {
	if err := t.checkSubnets(); err != nil {
		return err
	}
	t.args = t.cmd("network", "create", "--ignore")
	internal, err := t.boolean("Internal")
	if err != nil {
		return err
	}
	if internal {
		t.args = append(t.args, unitfile.Arg{Text: "--internal"})
	}
	t.flagEach("Subnet", "--subnet")
	t.flagEach("Gateway", "--gateway")
	if err := t.labels(); err != nil {
		return err
	}
	if err := t.podmanArgs(); err != nil {
		return err
	}
	return t.oneshot(append(t.args, t.id.Object))
}

func (t *translator) image() error {
	t.networkOnline()
	t.args = t.cmd("pull")
	if _, set := t.last("TLSVerify"); set {
		verify, err := t.boolean("TLSVerify")
		if err != nil {
			return err
		}
		t.args = append(t.args, unitfile.Literal(fmt.Sprintf("--tls-verify=%t", verify))...)
	}
	t.flag("AuthFile", "--authfile")
	t.flag("Creds", "--creds")
	t.flag("Policy", "--policy")
	if err := t.podmanArgs(); err != nil {
		return err
	}
	return t.oneshot(append(t.args, t.id.Object))
}

// AddMember makes a pod's unit want and start before a member's.
func AddMember(pod *unitfile.File, member string) {
	pod.Add("Unit", "Wants", member)
	pod.Add("Unit", "Before", member)
}
