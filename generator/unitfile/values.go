package unitfile

import (
	"fmt"
	"strings"
)

// specifiers are the letters systemd 252 resolves after a % in unit files
// (systemd.unit(5), "Specifiers"); %% is a literal %.
const specifiers = "aAbBCdEfgGhHiIjJlLmMnNopPqsStTuUvVwWyY"

// CheckSpecifiers reports a % in s that systemd would refuse to resolve,
// as systemd 252's specifier_printf decides: a % before a letter or digit
// that is no specifier. systemd ignores a setting with one, which for
// ExecStart= leaves the unit unable to start. A % before any other
// character (a blank, a dot, a slash) is copied with it, and a % that ends
// the string is copied, so `50% off` and `100%` reach the command as
// written. The rule does not depend on where systemd splits the words.
func CheckSpecifiers(s string) error {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		i++
		if c := s[i]; isAlnum(c) && strings.IndexByte(specifiers, c) < 0 {
			return fmt.Errorf("%q is not a systemd specifier; write %%%% for a percent sign", "%"+string(c))
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// HasExpansion reports whether systemd would expand something in s: a
// specifier other than %% or a $ variable other than $$.
func HasExpansion(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if (s[i] == '%' || s[i] == '$') && s[i+1] != s[i] {
			return true
		}
		if s[i] == s[i+1] && (s[i] == '%' || s[i] == '$') {
			i++
		}
	}
	return false
}

// Unquote reads a single-value setting as systemd quoting means it: a value
// that is one quoted word ("localhost/img", 'a b') is that word; anything
// else is the value as written.
func Unquote(v string) string {
	if v == "" || (v[0] != '"' && v[0] != '\'') {
		return v
	}
	w, err := SplitWords(v)
	if err != nil || len(w) != 1 {
		return v
	}
	return w[0]
}

// SplitWordsRelaxed splits s as SplitWords does, but as systemd does with
// EXTRACT_CUNESCAPE_RELAX: an unknown escape sequence (\.) is kept as it is
// written, and reported in warnings instead of failing.
func SplitWordsRelaxed(s string) (words, warnings []string, err error) {
	words, err = splitWords(s, func(msg string) { warnings = append(warnings, msg) })
	return words, warnings, err
}
