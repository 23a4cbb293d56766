package quadlet

import (
	"slices"

	"github.com/podunit/podunit/generator/unitfile"
)

// overridden are the [Service] keys the generator sets over the user's own
// for a kind. A pod's unit is a oneshot that stays active (its members bind
// to it; Quadlet sets its Type=forking over the user's in the same way). A
// .volume, .network or .image keeps the user's Type= and RemainAfterExit=,
// as Quadlet keeps them, and gets oneshot/yes only where they are unset.
var overridden = map[Kind][]string{
	Pod: {"Type", "RemainAfterExit"},
}

// overrideService drops the user's values of the keys the generator sets
// itself for this kind, as Quadlet does, with a warning for each that
// differs from what the generator writes.
func (t *translator) overrideService(sec *unitfile.Section) {
	keys := overridden[t.id.Kind]
	if len(keys) == 0 {
		return
	}
	kept := sec.Entries[:0]
	for _, e := range sec.Entries {
		if !slices.Contains(keys, e.Key) {
			kept = append(kept, e)
			continue
		}
		if want := map[string]string{"Type": "oneshot", "RemainAfterExit": "yes"}[e.Key]; e.Value != want {
			t.warns = append(t.warns, unitfile.Errorf(e.File, e.Line,
				"[Service] %s=%s ignored: a .%s unit is %s=%s (Quadlet too sets a pod's Type= itself)", e.Key, e.Value, t.id.Kind, e.Key, want))
		}
	}
	sec.Entries = kept
}
