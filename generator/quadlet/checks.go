package quadlet

import (
	"strings"

	"github.com/podunit/podunit/generator/unitfile"
)

// The checks here are Quadlet's own (pkg/systemd/quadlet): a file Quadlet
// refuses, podunit refuses too, naming the line.

// quadletKeys are the keys of the [Quadlet] section, common to every kind.
var quadletKeys = []string{"DefaultDependencies"}

// checkQuadlet refuses unknown [Quadlet] keys and reads
// DefaultDependencies= (yes unless set: units that need the network wait
// for network-online.target).
func (t *translator) checkQuadlet() error {
	sec := t.src.Section("Quadlet")
	if sec == nil {
		return nil
	}
	for _, e := range sec.Entries {
		if e.Key != "DefaultDependencies" {
			return unitfile.Errorf(e.File, e.Line, "unsupported key %s= in [Quadlet] (supported: %s)", e.Key, strings.Join(quadletKeys, ", "))
		}
	}
	e, ok := sec.Lookup("DefaultDependencies")
	if !ok || e.Value == "" {
		return nil
	}
	on, err := parseBool(e)
	t.noDefaultDeps = !on
	return err
}

// checkDevice refuses Type= and Options= without Device=, as Quadlet
// does, and a Driver= other than local and image (Driver=image without
// Image= is Quadlet's own error).
func (t *translator) checkDevice() error {
	if e, ok := t.last("Driver"); ok && e.Value != "local" {
		if _, hasImage := t.last("Image"); e.Value == "image" && !hasImage {
			return errf(e, "Driver=image needs Image=")
		} else if e.Value != "image" {
			return errf(e, "podunit has the local and image volume drivers")
		}
	}
	if _, ok := t.last("Device"); ok {
		return nil
	}
	for _, key := range []string{"Type", "Options"} {
		if e, ok := t.last(key); ok {
			return errf(e, "%s= needs Device=", key)
		}
	}
	return nil
}

// warnShortName warns, as Quadlet does, about an image named without its
// registry (busybox, library/nginx): which image it is depends on
// registries.conf and its short-name aliases.
func (t *translator) warnShortName(e unitfile.Entry) {
	name := e.Value
	if strings.HasPrefix(name, "sha256:") || isHexID(name) {
		return
	}
	domain, _, ok := strings.Cut(name, "/")
	if ok && (strings.ContainsAny(domain, ".:") || domain == "localhost") {
		return
	}
	t.warnf(e, "not a fully qualified image name (registry/name): which image it is depends on registries.conf")
}

func isHexID(s string) bool {
	if len(s) != 64 {
		return false
	}
	return strings.Trim(s, "0123456789abcdefABCDEF") == ""
}
