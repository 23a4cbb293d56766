package quadlet

import (
	"strings"

	"github.com/podunit/podunit/generator/unitfile"
)

// templated reports whether kind's files may be templates (name@.kind)
// and instances (name@inst.kind).
func templated(kind Kind) bool { return kind == Container || kind == Volume || kind == Network }

// serviceName is the unit a source named base (without extension) makes:
// web.service, data-volume.service; a template's or instance's kind suffix
// goes before the @, so that data@.volume makes the template unit
// data-volume@.service and data@a.volume its instance data-volume@a.service.
func serviceName(kind Kind, base string) string {
	if kind == Container || kind == Kube {
		return base + ".service"
	}
	if prefix, inst, ok := strings.Cut(base, "@"); ok {
		return prefix + "-" + string(kind) + "@" + inst + ".service"
	}
	return base + "-" + string(kind) + ".service"
}

// templateObject is the default name of a templated volume's or
// network's object: systemd-NAME_INSTANCE, the instance left to systemd.
func templateObject(base string) unitfile.Arg {
	prefix, _, _ := strings.Cut(base, "@")
	return unitfile.Arg{Text: "systemd-" + prefix + "_%i", Spec: true}
}

// Instantiate returns a template's Ident as the instance inst of it that
// another file names (data@a.volume, or data@%i.volume from a template):
// its unit is the template's instance, and %i in its object's name is inst.
func (id Ident) Instantiate(inst string) Ident {
	prefix, _, _ := strings.Cut(id.Base, "@")
	id.Base = prefix + "@" + inst
	id.File = id.Base + "." + string(id.Kind)
	id.Service = serviceName(id.Kind, id.Base)
	id.Object.Text = strings.ReplaceAll(id.Object.Text, "%i", inst)
	return id
}

// InstanceOf splits a referenced file name that names an instance
// (data@a.volume) into its template's file name (data@.volume) and the
// instance; ok is false for other names.
func InstanceOf(file string) (template, inst string, ok bool) {
	kind, found := KindOf(file)
	if !found {
		return "", "", false
	}
	base := strings.TrimSuffix(file, "."+string(kind))
	prefix, inst, hasAt := strings.Cut(base, "@")
	if !hasAt || prefix == "" || inst == "" {
		return "", "", false
	}
	return prefix + "@." + string(kind), inst, true
}
