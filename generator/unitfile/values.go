package unitfile

import (
	"fmt"
	"strings"
)

// specifiers are the letters systemd 252 resolves after a % in unit files
// (systemd.unit(5), "Specifiers"); %% is a literal %.
const specifiers = "aAbBCdEfgGhHiIjJlLmMnNopPqsStTuUvVwWyY"

// CheckSpecifiers reports a % in s that systemd would refuse to resolve:
// an unknown letter. systemd ignores a setting with one, which for
// ExecStart= leaves the unit unable to start. systemd resolves specifiers
// in each word of an Exec= line and copies a % that ends a word as it is,
// so a % before a blank or at the end is a percent sign here; CheckWord
// is the exact check once the words are known.
func CheckSpecifiers(s string) error {
	return checkSpecifiers(s, " \t\n")
}

// CheckWord reports a % in one word of an Exec= line that systemd would
// refuse to resolve; a % at its end is copied as it is (systemd's
// specifier_printf), as with Quadlet's `Exec=echo 100%`.
func CheckWord(w string) error {
	return checkSpecifiers(w, "")
}

func checkSpecifiers(s, blanks string) error {
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+1 == len(s) {
			return nil
		}
		i++
		if c := s[i]; c != '%' && strings.IndexByte(specifiers, c) < 0 && strings.IndexByte(blanks, c) < 0 {
			return fmt.Errorf("%q is not a systemd specifier; write %%%% for a percent sign", "%"+string(c))
		}
	}
	return nil
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
