package quadlet

import (
	"strconv"
	"strings"

	"github.com/podunit/podunit/generator/cliflags"
	"github.com/podunit/podunit/generator/unitfile"
)

// mount translates Mount=type=…,… into podunit's --mount, as Quadlet
// does: the fields as given but a source resolved (a .volume's or .image's
// name, with its dependency; a relative host path made absolute, with
// RequiresMountsFor=). The type and keys are checked here, the values
// when podunit runs.
func (t *translator) mount(e unitfile.Entry) ([]unitfile.Arg, error) {
	kv, err := cliflags.MountFields(e.Value)
	if err != nil {
		return nil, errf(e, "%v", err)
	}
	kind, fields := kv["type"], strings.Split(e.Value, ",")
	for i, f := range fields {
		k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
		if k != "source" && k != "src" {
			continue
		}
		src, err := t.mountSource(e, kind, v)
		if err != nil {
			return nil, err
		}
		fields[i] = k + "=" + src
	}
	return unitfile.Value("--mount", strings.Join(fields, ",")), nil
}

// mountSource resolves a Mount= source of type kind.
func (t *translator) mountSource(e unitfile.Entry, kind, src string) (string, error) {
	switch {
	case kind == "image" && strings.HasSuffix(src, ".image"):
		id, err := t.ref(e, src, "Requires", "After")
		return id.Object.Text, err
	case kind == "bind" || kind == "volume":
		return t.volumeSource(e, src)
	case kind == "glob":
		return t.hostPath(src), nil
	}
	return src, nil
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
// active: Type=oneshot, RemainAfterExit=yes and SyslogIdentifier=%N where
// the file does not set them, as Quadlet does.
func (t *translator) oneshot(start []unitfile.Arg) error {
	for _, kv := range [][2]string{{"Type", "oneshot"}, {"RemainAfterExit", "yes"}, {"SyslogIdentifier", "%N"}} {
		if _, ok := t.out.Section("Service").Lookup(kv[0]); !ok {
			t.out.Add("Service", kv[0], kv[1])
		}
	}
	return t.exec("ExecStart", start)
}

func (t *translator) podUnit() error {
	t.networkOnline()
	t.args = append(t.cmd("pod", "create", "--unit", "--replace", "--name"), t.id.Object)
	if err := t.exitPolicy(); err != nil {
		return err
	}
	t.flag("HostName", "--hostname")
	t.flag("ShmSize", "--shm-size")
	if err := t.podStopTimeout(); err != nil {
		return err
	}
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
	if err := t.netOptions(); err != nil {
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
	// one process creates the pod and pins its namespaces in this unit
	if err := t.oneshot(t.args); err != nil {
		return err
	}
	return t.exec("ExecStopPost", append(t.cmd("pod", "unit-stop", "--rm"), t.id.Object))
}

// podStopTimeout checks [Pod] StopTimeout=, which each member without a
// StopTimeout= of its own takes (ctrStop), and bounds the pod unit's stop
// as a member's is bounded.
func (t *translator) podStopTimeout() error {
	e, ok := t.last("StopTimeout")
	if !ok {
		return nil
	}
	n, err := seconds(e)
	if err != nil {
		return err
	}
	if _, set := t.out.Section("Service").Lookup("TimeoutStopSec"); !set {
		t.out.Add("Service", "TimeoutStopSec", strconv.Itoa(n+stopMargin))
	}
	return nil
}

func (t *translator) volume() error {
	if err := t.checkDevice(); err != nil {
		return err
	}
	t.args = t.cmd("volume", "create", "--ignore")
	if e, ok := t.last("Driver"); ok && e.Value == "image" {
		return t.imageVolume()
	}
	t.bindDevice()
	if err := t.volumeOwner(); err != nil {
		return err
	}
	if err := t.volumeCopy(); err != nil {
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

// AddMember makes a pod's unit want and start before a member's.
func AddMember(pod *unitfile.File, member string) {
	pod.Add("Unit", "Wants", member)
	pod.Add("Unit", "Before", member)
}
