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

// userStarts warns about a .volume's, .network's or .image's own
// ExecStart= lines (kept, before the generator's, as Quadlet keeps them)
// under a Type= other than oneshot: systemd runs several ExecStart= lines
// only in a oneshot unit and refuses to load this one. An empty
// ExecStart= drops the lines before it, as in systemd.
func (t *translator) userStarts(sec *unitfile.Section) {
	if slices.Contains(reserved[t.id.Kind], "ExecStart") {
		return // refused in checkService
	}
	var last *unitfile.Entry
	for i, e := range sec.Entries {
		if e.Key == "ExecStart" {
			last = &sec.Entries[i]
			if e.Value == "" {
				last = nil
			}
		}
	}
	typ, set := sec.Lookup("Type")
	if last == nil || !set || typ.Value == "oneshot" {
		return
	}
	t.warns = append(t.warns, unitfile.Errorf(last.File, last.Line,
		"[Service] ExecStart= with Type=%s: the .%s unit's own command runs before podunit's, and systemd takes more than one ExecStart= only with Type=oneshot, so it will refuse this unit (Quadlet writes it the same way)",
		typ.Value, t.id.Kind))
}
