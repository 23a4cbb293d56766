package quadlet

import (
	"strconv"

	"github.com/podunit/podunit/generator/unitfile"
)

// exitPolicies are pod create --exit-policy's values.
var exitPolicies = []string{"continue", "stop"}

// exitPolicy translates ExitPolicy=; unset, a pod stops when its last
// member exits, as Quadlet's pods do (podunit pod create's own default
// is continue).
func (t *translator) exitPolicy() error {
	e, ok := t.last("ExitPolicy")
	if !ok {
		t.args = append(t.args, unitfile.Literal("--exit-policy", "stop")...)
		return nil
	}
	for _, p := range exitPolicies {
		if e.Value == p {
			t.args = append(t.args, unitfile.Literal("--exit-policy", p)...)
			return nil
		}
	}
	return errf(e, "not an exit policy (continue or stop)")
}

// volumeOwner translates User= and Group= (numeric, as Quadlet reads
// them) into the volume's uid= and gid= options.
func (t *translator) volumeOwner() error {
	for _, k := range [][2]string{{"User", "uid="}, {"Group", "gid="}} {
		e, ok := t.last(k[0])
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(e.Value, 10, 32)
		if err != nil || n == 1<<32-1 {
			return errf(e, "not a numeric %s", map[string]string{"User": "UID", "Group": "GID"}[k[0]])
		}
		t.args = append(t.args, unitfile.Literal("--opt", k[1]+strconv.FormatUint(n, 10))...)
	}
	return nil
}
