package quadlet

import (
	"path"
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

// Links returns the symlinks that enable service as inst says, sorted by
// the caller. A template enables only its DefaultInstance=, if any.
func (inst Install) Links(service string) []Link {
	name := service
	if strings.HasSuffix(service, "@.service") {
		if inst.DefaultInstance == "" {
			return nil
		}
		name = strings.TrimSuffix(service, ".service") + inst.DefaultInstance + ".service"
	}
	var links []Link
	for _, d := range [][2]any{{inst.WantedBy, ".wants"}, {inst.RequiredBy, ".requires"}, {inst.UpheldBy, ".upholds"}} {
		for _, target := range d[0].([]string) {
			links = append(links, Link{Path: path.Join(target+d[1].(string), name), Target: "../" + service})
		}
	}
	for _, a := range inst.Alias {
		links = append(links, Link{Path: a, Target: service})
	}
	return links
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
