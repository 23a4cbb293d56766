// Package names holds podunit's one grammar for object names and IDs, and
// derives systemd unit names from them.
//
// A name is 1 to 253 characters from [a-zA-Z0-9_.-], starting with a letter
// or digit (Podman's rule). An ID is 64 lowercase hex digits; any unique
// prefix of an ID may stand for it on the command line.
package names

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
)

// MaxNameLen is the longest name accepted.
const MaxNameLen = 253

// maxUnitLen is systemd's limit on a unit name (UNIT_NAME_MAX - 1).
const maxUnitLen = 255

// ValidName reports whether s matches [a-zA-Z0-9][a-zA-Z0-9_.-]*, the
// grammar of names (and of journal tags). A loop, not a regular expression:
// every podunit command would compile it at start.
func ValidName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case i > 0 && (c == '_' || c == '.' || c == '-'):
		default:
			return false
		}
	}
	return s != ""
}

// ValidLogTag reports whether s may be a container's journal identifier
// (--log-opt tag=): a name of at most 64 characters. It reaches
// SyslogIdentifier= of generated units as it is.
func ValidLogTag(s string) bool { return len(s) <= 64 && ValidName(s) }

// Validate checks name against the grammar; kind ("container", "pod") names
// the object in the error.
func Validate(kind, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%s name must not be empty: %w", kind, errdefs.ErrInvalidArgument)
	case len(name) > MaxNameLen:
		return fmt.Errorf("%s name %.40q… is %d characters, longer than %d: %w",
			kind, name, len(name), MaxNameLen, errdefs.ErrInvalidArgument)
	case !ValidName(name):
		return fmt.Errorf("%s name %s is invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: %w",
			kind, strconv.Quote(name), errdefs.ErrInvalidArgument)
	case len(longestUnit(kind, name)) > maxUnitLen:
		return fmt.Errorf("%s name %.40q… is %d characters: its unit %.40s… would be %d bytes, longer than systemd's %d: %w",
			kind, name, len(name), longestUnit(kind, name), len(longestUnit(kind, name)), maxUnitLen, errdefs.ErrInvalidArgument)
	}
	return nil
}

// longestUnit is the longest unit file name podunit makes from a name of
// kind: generate systemd's container-NAME.service or pod-NAME.service
// (the transient podunit-NAME.service and NAME-pod.service are shorter).
// Kinds without units have none.
func longestUnit(kind, name string) string {
	switch kind {
	case "container":
		return "container-" + name + ".service"
	case "pod":
		return "pod-" + name + ".service"
	}
	return ""
}

// IsID reports whether s is a full 64-hex-digit ID.
func IsID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// NewID returns a fresh random ID. It never returns an ID whose first 12
// characters are all digits, so a short ID is never mistaken for a number.
func NewID() string {
	for {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic("names: no randomness: " + err.Error())
		}
		id := hex.EncodeToString(b[:])
		if _, err := strconv.ParseUint(id[:12], 10, 64); err != nil {
			return id
		}
	}
}

// ShortID is the 12-character form used in tables.
func ShortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// RandomName returns a generated container name for when none was given.
func RandomName(id string) string { return "podunit-" + ShortID(id) }

// ContainerUnit is the transient systemd unit that runs a container. A valid
// name only holds characters legal in unit names, so no escaping is needed;
// a name too long for a unit falls back to the container's ID.
func ContainerUnit(name, id string) string {
	u := "podunit-" + name + ".service"
	if len(u) > maxUnitLen || Validate("container", name) != nil {
		u = ContainerUnitOfID(id)
	}
	return u
}

// ContainerUnitOfID is the transient unit of container id when its name
// makes no unit name, or another container's unit still holds that name.
func ContainerUnitOfID(id string) string { return TransientPrefix + id + ".service" }

// TransientPrefix begins the name of every transient unit podunit starts.
const TransientPrefix = "podunit-"

// PodUnit is the systemd unit of a started pod: NAME-pod.service, as Quadlet
// names the unit of NAME.pod, so generated and transient pods agree.
func PodUnit(name, id string) string {
	u := name + "-pod.service"
	if len(u) > maxUnitLen || Validate("pod", name) != nil {
		u = "podunit-pod-" + id + ".service"
	}
	return u
}

// PodSlice is the slice that holds a pod's members: podunit-NAME.slice, a
// child of podunit.slice. A "-" in the name is escaped ("\x2d") so that it
// does not make a deeper slice.
func PodSlice(name, id string) string {
	esc := strings.ReplaceAll(name, "-", `\x2d`)
	u := "podunit-" + esc + ".slice"
	if len(u) > maxUnitLen || Validate("pod", name) != nil {
		u = "podunit-" + id + ".slice"
	}
	return u
}

// SliceCgroup is the cgroup path systemd gives a unit inside a slice:
// every ancestor slice of the dash-separated prefix, then the slice, then
// the unit ("podunit-web.slice" → /podunit.slice/podunit-web.slice/UNIT).
func SliceCgroup(slice, unit string) string {
	base := strings.TrimSuffix(slice, ".slice")
	parts := strings.Split(base, "-")
	path := ""
	for i := range parts {
		path += "/" + strings.Join(parts[:i+1], "-") + ".slice"
	}
	return path + "/" + unit
}
