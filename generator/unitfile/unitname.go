package unitfile

import (
	"fmt"
	"slices"
	"strings"
)

// unitTypes are the suffixes of systemd's unit types.
var unitTypes = []string{"service", "socket", "target", "device", "mount", "automount", "swap", "timer", "path", "slice", "scope"}

// maxUnitName is systemd's UNIT_NAME_MAX less its terminating NUL; it is
// also the longest file name a unit file can have.
const maxUnitName = 255

// UnitName checks that name is a unit name by systemd's grammar
// (unit_name_is_valid(): letters, digits, ":-_.\@", a type suffix, at
// most 255 bytes), so that it can be written unquoted as one word of a
// dependency setting (After=, Wants=, Requires=) and reads back as itself:
// it holds no space, quote, line break or %.
func UnitName(name string) error {
	if name == "" {
		return fmt.Errorf("empty unit name")
	}
	if len(name) > maxUnitName {
		return fmt.Errorf("unit name %q is %d bytes long, more than systemd's %d", name, len(name), maxUnitName)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(":-_.\\@", c) >= 0) {
			return fmt.Errorf("unit name %q holds %q, which systemd does not allow in one", name, c)
		}
		if c == '\\' && !hexEscapeAt(name, i) {
			// a unit file reads any other backslash as the start of a C
			// escape: \. would vanish from the list it is written in
			return fmt.Errorf("unit name %q: a backslash must begin an escape such as \\x2d", name)
		}
	}
	dot := strings.LastIndexByte(name, '.')
	if dot <= 0 || !slices.Contains(unitTypes, name[dot+1:]) {
		return fmt.Errorf("unit name %q does not end in a unit type (.%s)", name, strings.Join(unitTypes, ", ."))
	}
	if at := strings.IndexByte(name, '@'); at == 0 || at >= 0 && strings.Count(name, "@") > 1 {
		return fmt.Errorf("unit name %q: one @ at most, after a prefix", name)
	}
	return nil
}

// hexEscapeAt reports whether name[i:] begins with systemd's \xNN.
func hexEscapeAt(name string, i int) bool {
	if i+3 >= len(name) || name[i+1] != 'x' {
		return false
	}
	isHex := func(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
	return isHex(name[i+2]) && isHex(name[i+3])
}
