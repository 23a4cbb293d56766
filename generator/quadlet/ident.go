// Package quadlet translates Quadlet-style source files (.container, .pod,
// .volume, .network, .image; podman-systemd.unit(5)) into systemd service
// units that run podunit. It is pure: parsed files in, parsed units out; the
// generator package finds the files, resolves references and writes units.
package quadlet

import (
	"path/filepath"
	"strings"

	"github.com/podunit/podunit/generator/unitfile"
)

// Kind is a source file's type, named by its extension.
type Kind string

// The source kinds, in the order their units are translated: a kind may
// reference only kinds before it.
const (
	Image     Kind = "image"
	Volume    Kind = "volume"
	Network   Kind = "network"
	Pod       Kind = "pod"
	Container Kind = "container"
	Kube      Kind = "kube" // Kubernetes YAML played as pods (kubefile.go)
)

// Kinds lists every kind in translation order.
var Kinds = []Kind{Image, Volume, Network, Pod, Container, Kube}

// Section is the [Kind] section name of k ("Container").
func (k Kind) Section() string { return strings.ToUpper(string(k[:1])) + string(k[1:]) }

// KindOf returns the kind of a source file name by its extension.
func KindOf(name string) (Kind, bool) {
	for _, k := range Kinds {
		if n := len(name) - len(k); n > 1 && name[n-1] == '.' && name[n:] == string(k) {
			return k, true
		}
	}
	return "", false
}

// Ident is what other files need to know about a source to reference it:
// its service's name and the name of the object it makes.
type Ident struct {
	File    string // source base name: web.container
	Kind    Kind
	Base    string // name without extension: web, web@a, web@
	Service string // unit name: web.service, web-pod.service
	Object  unitfile.Arg
	Tag     unitfile.Arg     // [Image] ImageTag=: the name other files use instead of Object
	Volumes []unitfile.Entry // [Pod] Volume=, which each member mounts
	Dir     string           // the source's directory, for Volumes' relative paths
	// [Pod] StopTimeout=: the stop timeout of members that set none
	StopTimeout unitfile.Entry
}

// Template reports whether the source is a template (web@.container) and
// Instance whether it is an instance of one (web@a.container).
func (id Ident) Template() bool { return strings.HasSuffix(id.Base, "@") }

// Instance reports whether the source names an instance (web@a).
func (id Ident) Instance() bool {
	i := strings.IndexByte(id.Base, '@')
	return i > 0 && i < len(id.Base)-1
}

// nameKeys is the key naming each kind's object.
var nameKeys = map[Kind]string{
	Container: "ContainerName", Pod: "PodName", Volume: "VolumeName", Network: "NetworkName", Image: "Image",
}

// Identify derives a source's Ident from its file name and content.
func Identify(file string, f *unitfile.File) (Ident, error) {
	kind, ok := KindOf(file)
	if !ok {
		return Ident{}, unitfile.Errorf(f.Path, 1, "%s: not a .container, .pod, .volume, .network, .image or .kube file", file)
	}
	id := Ident{File: file, Kind: kind, Base: strings.TrimSuffix(file, "."+string(kind))}
	sec := f.Section(kind.Section())
	if sec == nil {
		// as with Quadlet, a missing section is an empty one
		sec = f.Ensure(kind.Section())
		sec.Line = 1
	}
	if strings.Contains(id.Base, "@") && !templated(kind) {
		return id, unitfile.Errorf(f.Path, sec.Line, "templates (name@.%s) are supported for .container, .volume and .network files only", kind)
	}
	if err := id.setService(sec); err != nil {
		return id, err
	}
	if kind == Pod {
		id.Volumes, id.Dir = sec.All("Volume"), filepath.Dir(f.Path)
		id.StopTimeout, _ = sec.Lookup("StopTimeout")
		id.StopTimeout.Value = unitfile.Unquote(id.StopTimeout.Value)
	}
	if e, ok := sec.Lookup("ImageTag"); ok && kind == Image && unitfile.Unquote(e.Value) != "" {
		id.Tag = unitfile.Arg{Text: unitfile.Unquote(e.Value), Spec: true}
	}
	return id, id.setObject(sec)
}

func (id *Ident) setService(sec *unitfile.Section) error {
	id.Service = serviceName(id.Kind, id.Base)
	if e, ok := sec.Lookup("ServiceName"); ok {
		if strings.Contains(id.Base, "@") {
			return unitfile.Errorf(e.File, e.Line, "ServiceName= cannot rename a template or an instance")
		}
		id.Service = strings.TrimSuffix(unitfile.Unquote(e.Value), ".service") + ".service"
		if !ValidUnitName(id.Service) {
			return unitfile.Errorf(e.File, e.Line, "ServiceName=%s: not a valid unit name", e.Value)
		}
		return nil
	}
	if !ValidUnitName(id.Service) {
		return unitfile.Errorf(sec.File, sec.Line, "%s: file name does not make a valid unit name (%s)", id.File, id.Service)
	}
	return nil
}

func (id *Ident) setObject(sec *unitfile.Section) error {
	key := nameKeys[id.Kind]
	e, ok := sec.Lookup(key)
	switch {
	case ok && unitfile.Unquote(e.Value) != "":
		id.Object = unitfile.Arg{Text: unitfile.Unquote(e.Value), Spec: true}
	case id.Kind == Image:
		return unitfile.Errorf(sec.File, sec.Line, "[Image] has no Image= key")
	case id.Kind == Container && strings.Contains(id.Base, "@"):
		id.Object = unitfile.Arg{Text: "systemd-%p_%i", Spec: true}
	case id.Kind == Container:
		id.Object = unitfile.Arg{Text: "systemd-%N", Spec: true}
	case strings.Contains(id.Base, "@"):
		id.Object = templateObject(id.Base)
	default:
		id.Object = unitfile.Arg{Text: "systemd-" + id.Base}
	}
	return nil
}

// ValidUnitName reports whether name is a valid systemd unit name with a
// type suffix (unit_name_is_valid(): [A-Za-z0-9:_.\-@], at most 255
// bytes, one @ at most, not first).
func ValidUnitName(name string) bool {
	dot := strings.LastIndexByte(name, '.')
	if len(name) > 255 || dot <= 0 || dot == len(name)-1 || strings.Count(name, "@") > 1 || name[0] == '@' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(":_.\\-@", c) >= 0) {
			return false
		}
	}
	suffix := name[dot+1:]
	for i := 0; i < len(suffix); i++ {
		if c := suffix[i]; !(c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}
