package quadlet

import (
	"slices"

	"github.com/podunit/podunit/generator/unitfile"
)

// overridden are the [Service] keys Quadlet sets over the user's own for a
// kind (it writes them with Set, which replaces): a .volume, .network or
// .image is a oneshot that stays active, and so is a pod's unit here.
var overridden = map[Kind][]string{
	Pod:     {"Type", "RemainAfterExit"},
	Volume:  {"Type", "RemainAfterExit"},
	Network: {"Type", "RemainAfterExit"},
	Image:   {"Type", "RemainAfterExit"},
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
				"[Service] %s=%s ignored: a .%s unit is %s=%s, as with Quadlet", e.Key, e.Value, t.id.Kind, e.Key, want))
		}
	}
	sec.Entries = kept
}
