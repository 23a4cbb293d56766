package quadlet

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/podunit/podunit/generator/unitfile"
)

// volumeOwner translates User= and Group= into the volume's uid= and gid=
// options. As Quadlet, a number is taken as it is and a name is looked up
// on this host (the passwd and group files, Options.EtcDir) when the unit
// is generated.
func (t *translator) volumeOwner() error {
	for _, k := range [][2]string{{"User", "uid="}, {"Group", "gid="}} {
		e, ok := t.last(k[0])
		if !ok {
			continue
		}
		id, err := hostID(t.opt.EtcDir, e.Value, k[0] == "Group")
		if err != nil {
			return errf(e, "%v", err)
		}
		t.args = append(t.args, unitfile.Literal("--opt", k[1]+strconv.FormatUint(id, 10))...)
	}
	return nil
}

// hostID reads a numeric UID/GID or resolves a user or group name.
func hostID(etcDir, v string, group bool) (uint64, error) {
	what := map[bool]string{false: "user", true: "group"}[group]
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		if n == 1<<32-1 {
			return 0, errOwner(what)
		}
		return n, nil
	}
	id, err := lookupID(etcDir, v, group)
	if err != nil {
		return 0, errOwner(what)
	}
	return id, nil
}

// errOwner says that a user or group name is unknown here.
func errOwner(what string) error {
	file := map[string]string{"user": "passwd", "group": "group"}[what]
	return fmt.Errorf("no such %s on this host (a name from its %s file, or a number)", what, file)
}

// bindDevice orders a volume with Type=bind after the file system that
// holds its Device=, as Quadlet does (RequiresMountsFor=).
func (t *translator) bindDevice() {
	typ, _ := t.last("Type")
	dev, ok := t.last("Device")
	if ok && typ.Value == "bind" && strings.HasPrefix(dev.Value, "/") {
		t.dep(unitfile.QuoteWord(dev.Value), "RequiresMountsFor")
	}
}
