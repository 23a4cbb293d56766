package unitfile

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SplitWords splits s into words as systemd's extract_first_word() does with
// EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE (Exec= lines, Environment=, lists):
// words are separated by whitespace; '…' and "…" quote (also mid-word) and
// are removed; backslash escapes are C-style (systemd.syntax(7), table 1).
// Unlike systemd, which warns and keeps them, an unknown escape, a trailing
// backslash or an open quote is an error.
func SplitWords(s string) ([]string, error) {
	return splitWords(s, nil)
}

func splitWords(s string, warn func(string)) ([]string, error) {
	var words []string
	for {
		s = strings.TrimLeft(s, " \t\n\r")
		if s == "" {
			return words, nil
		}
		w, rest, err := firstWord(s, warn)
		if err != nil {
			return nil, err
		}
		words = append(words, w)
		s = rest
	}
}

// firstWord extracts one word from s, which starts with a non-separator.
// With warn set, an unknown escape is kept as written and reported to it.
func firstWord(s string, warn func(string)) (word, rest string, err error) {
	var b strings.Builder
	var quote byte
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			n, err := unescapeOne(&b, s[i+1:])
			if errors.Is(err, errUnknownEscape) && warn != nil {
				warn(err.Error() + " kept as it is written")
				r, size := utf8.DecodeRuneInString(s[i+1:])
				b.WriteByte('\\')
				b.WriteRune(r)
				i += 1 + size
				continue
			}
			if err != nil {
				return "", "", err
			}
			i += 1 + n
			continue
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			b.WriteByte(c)
		case c == '\'' || c == '"':
			quote = c
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return b.String(), s[i:], nil
		default:
			b.WriteByte(c)
		}
		i++
	}
	if quote != 0 {
		return "", "", fmt.Errorf("unterminated %c quote", quote)
	}
	return b.String(), "", nil
}

var (
	errTrailingBackslash = errors.New("trailing backslash")
	errUnknownEscape     = errors.New("unknown escape sequence")
)

// unescapeOne decodes the escape after a backslash in s, writes it to b and
// returns how many bytes of s it used (cunescape_one()).
func unescapeOne(b *strings.Builder, s string) (int, error) {
	if s == "" {
		return 0, errTrailingBackslash
	}
	if r, ok := simpleEscapes[s[0]]; ok {
		b.WriteByte(r)
		return 1, nil
	}
	switch c := s[0]; {
	case c == 'x':
		return numEscape(b, s, 1, 2, 16, true)
	case c == 'u':
		return numEscape(b, s, 1, 4, 16, false)
	case c == 'U':
		return numEscape(b, s, 1, 8, 16, false)
	case c >= '0' && c <= '7':
		return numEscape(b, s, 0, 3, 8, true)
	}
	r, _ := utf8.DecodeRuneInString(s)
	return 0, fmt.Errorf("%w \\%c", errUnknownEscape, r)
}

var simpleEscapes = map[byte]byte{
	'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v',
	'\\': '\\', '"': '"', '\'': '\'', 's': ' ',
}

// numEscape decodes \xHH, \uHHHH, \UHHHHHHHH or \OOO; a byte escape (\x,
// octal) is one raw byte, a unicode one is UTF-8. NUL is refused.
func numEscape(b *strings.Builder, s string, skip, digits, base int, isByte bool) (int, error) {
	if len(s) < skip+digits {
		return 0, fmt.Errorf("short escape sequence \\%s", s)
	}
	v, err := strconv.ParseUint(s[skip:skip+digits], base, 32)
	if err != nil || v == 0 || (isByte && v > 0xff) || (!isByte && (v > utf8.MaxRune || !utf8.ValidRune(rune(v)))) {
		return 0, fmt.Errorf("invalid escape sequence \\%s", s[:skip+digits])
	}
	if isByte {
		b.WriteByte(byte(v))
	} else {
		b.WriteRune(rune(v))
	}
	return skip + digits, nil
}

// safeWord reports whether w can be written unquoted in any systemd list or
// Exec= line and reads back as itself (% and $ mean the same to systemd
// quoted or not).
func safeWord(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_./:=,+@-%$", c) >= 0) {
			return false
		}
	}
	return true
}

// QuoteWord quotes w so that SplitWords reads it back as exactly w: plain
// when it is made of safe characters, else in double quotes with C escapes
// for quotes, backslashes, control characters and bytes that are not UTF-8.
// It does not touch % or $; ExecWord does.
func QuoteWord(w string) string {
	if safeWord(w) {
		return w
	}
	var b strings.Builder
	b.Grow(len(w) + 2)
	b.WriteByte('"')
	for i := 0; i < len(w); {
		r, size := utf8.DecodeRuneInString(w[i:])
		switch {
		case r == utf8.RuneError && size == 1, r < 0x20, r == 0x7f:
			fmt.Fprintf(&b, "\\x%02x", w[i])
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteByte(byte(r))
		default:
			b.WriteString(w[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
	return b.String()
}
