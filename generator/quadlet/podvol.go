package quadlet

import (
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
