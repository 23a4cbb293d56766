package quadlet

import (
	"strings"

	"github.com/podunit/podunit/generator/unitfile"
)

// Install is what a unit's [Install] section asks to be enabled as.
type Install struct {
	WantedBy, RequiredBy, UpheldBy, Alias []string
	DefaultInstance                       string
}

// Link is a symlink the generator writes: Path (relative to the output
// directory) points at Target.
type Link struct{ Path, Target string }

// Dep is a dependency that a unit's [Install] gives another unit: Of gains
// Directive=Name (WantedBy=multi-user.target gives multi-user.target
// Wants=NAME). systemd reads a NAME.wants/ symlink and a Wants= line alike;
// the generator writes one drop-in per unit that gains any, not a symlink
// per dependency.
type Dep struct{ Of, Directive, Name string }

// Deps returns what [Install] makes other units depend on, in the order of
// its keys. A template is enabled only as its DefaultInstance=, if any.
func (inst Install) Deps(service string) []Dep {
	name, ok := inst.enabledAs(service)
	if !ok {
		return nil
	}
	var deps []Dep
	for _, d := range []struct {
		of        []string
		directive string
	}{{inst.WantedBy, "Wants"}, {inst.RequiredBy, "Requires"}, {inst.UpheldBy, "Upholds"}} {
		for _, of := range d.of {
			deps = append(deps, Dep{Of: of, Directive: d.directive, Name: name})
		}
	}
	return deps
}

// Links returns the symlinks of service's Alias= names.
func (inst Install) Links(service string) []Link {
	if _, ok := inst.enabledAs(service); !ok {
		return nil
	}
	var links []Link
	for _, a := range inst.Alias {
		links = append(links, Link{Path: a, Target: service})
	}
	return links
}

// enabledAs is the name service is enabled under: its own, or a template's
// DefaultInstance=; false for a template without one.
func (inst Install) enabledAs(service string) (string, bool) {
	if !strings.HasSuffix(service, "@.service") {
		return service, true
	}
	if inst.DefaultInstance == "" {
		return "", false
	}
	return strings.TrimSuffix(service, ".service") + inst.DefaultInstance + ".service", true
}

// parseInstall reads and validates [Install].
func parseInstall(sec *unitfile.Section, id Ident) (Install, error) {
	var inst Install
	if sec == nil {
		return inst, nil
	}
	for _, e := range sec.Entries {
		var err error
		switch e.Key {
		case "WantedBy":
			inst.WantedBy, err = unitList(e, inst.WantedBy, "")
		case "RequiredBy":
			inst.RequiredBy, err = unitList(e, inst.RequiredBy, "")
		case "UpheldBy":
			inst.UpheldBy, err = unitList(e, inst.UpheldBy, "")
		case "Alias":
			inst.Alias, err = unitList(e, inst.Alias, ".service")
		case "DefaultInstance":
			inst.DefaultInstance, err = defaultInstance(e, id)
		}
		if err != nil {
			return inst, err
		}
	}
	return inst, nil
}

// unitList appends e's unit names to list (an empty value resets it).
func unitList(e unitfile.Entry, list []string, suffix string) ([]string, error) {
	if e.Value == "" {
		return nil, nil
	}
	for _, w := range strings.Fields(e.Value) {
		if !ValidUnitName(w) || strings.Contains(w, "/") || (suffix != "" && !strings.HasSuffix(w, suffix)) {
			return nil, errf(e, "%q is not a valid unit name%s", w, map[bool]string{true: " ending in " + suffix}[suffix != ""])
		}
		list = append(list, w)
	}
	return list, nil
}

func defaultInstance(e unitfile.Entry, id Ident) (string, error) {
	if !id.Template() {
		return "", nil
	}
	if !ValidUnitName("a@"+e.Value+".service") || strings.Contains(e.Value, "@") {
		return "", errf(e, "not a valid instance name")
	}
	return e.Value, nil
}
