package unitfile

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Parse reads a unit file as systemd does (systemd.syntax(7)), but strictly:
// what systemd would ignore with a warning is an *Error here, so that every
// value the caller writes back means to systemd what it meant to Parse.
//   - lines end in "\n" or "\r\n"; no other control character but tab, no
//     NUL and no invalid UTF-8 anywhere;
//   - "#" and ";" start comment lines, also inside a continuation;
//   - an odd run of backslashes ending a line continues it (replaced by a
//     space); a continuation still open at the end of the file is an error;
//     one followed only by blanks continues it too, as Quadlet reads it
//     (systemd would not), with a warning in File.Warnings;
//   - "[Name]" starts a section; "Key=Value" needs a section; both sides
//     are trimmed of whitespace; a value that then ends in an odd run of
//     backslashes (a continuation's last line was blank) is an error: written
//     back on a line of its own it would continue that line.
func Parse(path string, data []byte) (*File, error) {
	if len(data) > MaxSize {
		return nil, Errorf(path, 1, "file is larger than the %d byte limit (not a unit file?)", MaxSize)
	}
	p := parser{f: &File{Path: path}}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark, as systemd skips it
	lineNo := 0
	for len(data) > 0 {
		lineNo++
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if err := checkText(line); err != nil {
			return nil, &Error{File: path, Line: lineNo, Err: err}
		}
		if err := p.physical(string(line), lineNo); err != nil {
			return nil, err
		}
	}
	if p.cont != nil {
		return nil, Errorf(path, p.contLine, "continuation line (ending in \\) is not continued before the end of the file")
	}
	return p.f, nil
}

type parser struct {
	f        *File
	cur      *Section
	cont     *strings.Builder // an open continuation, or nil
	contLine int
}

// physical handles one physical line: comments, continuation joining.
func (p *parser) physical(line string, n int) error {
	trimmed := strings.TrimLeft(line, " \t")
	if trimmed != "" && (trimmed[0] == '#' || trimmed[0] == ';') {
		return nil
	}
	if t := strings.TrimRight(line, " \t"); len(t) < len(line) && endsEscaped(t) {
		p.f.Warnings = append(p.f.Warnings, Errorf(p.f.Path, n,
			"blanks after the line-continuation backslash; read as a continuation, as Quadlet does (remove them)"))
		line = t
	}
	start := n
	if p.cont != nil {
		p.cont.WriteString(line)
		line, start = p.cont.String(), p.contLine
	}
	if endsEscaped(line) {
		if p.cont == nil {
			p.cont, p.contLine = &strings.Builder{}, n
		}
		p.cont.Reset()
		p.cont.WriteString(line[:len(line)-1])
		p.cont.WriteByte(' ')
		return nil
	}
	p.cont = nil
	return p.logical(line, start)
}

// endsEscaped reports whether s ends in an unescaped backslash.
func endsEscaped(s string) bool {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

func (p *parser) logical(line string, n int) error {
	l := strings.Trim(line, " \t")
	if l == "" {
		return nil
	}
	if l[0] == '[' {
		return p.header(l, n)
	}
	key, value, ok := strings.Cut(l, "=")
	if !ok {
		return Errorf(p.f.Path, n, "line is not a [Section] header, a Key=Value assignment or a comment: %q", short(l))
	}
	key, value = strings.Trim(key, " \t"), strings.Trim(value, " \t")
	if key == "" {
		return Errorf(p.f.Path, n, "assignment without a key: %q", short(l))
	}
	if p.cur == nil {
		return Errorf(p.f.Path, n, "%s= is outside of any [Section]", short(key))
	}
	if endsEscaped(value) {
		return Errorf(p.f.Path, n, "%s= ends in a backslash, which would continue the line it is written on: double it or remove it",
			short(key))
	}
	p.cur.Entries = append(p.cur.Entries, Entry{Key: key, Value: value, File: p.f.Path, Line: n})
	return nil
}

func (p *parser) header(l string, n int) error {
	if len(l) < 2 || l[len(l)-1] != ']' {
		return Errorf(p.f.Path, n, "section header %q does not end in ]", short(l))
	}
	name := l[1 : len(l)-1]
	if name == "" || strings.ContainsAny(name, "[]") {
		return Errorf(p.f.Path, n, "invalid section name %q", short(name))
	}
	if s := p.f.Section(name); s != nil {
		p.cur = s
		return nil
	}
	p.cur = &Section{Name: name, File: p.f.Path, Line: n}
	p.f.Sections = append(p.f.Sections, p.cur)
	return nil
}

var errNUL = errors.New("NUL byte in line (binary file?)")

// checkText rejects what systemd's reader would read differently from us.
func checkText(b []byte) error {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				return errNUL
			}
			if (c < 0x20 && c != '\t') || c == 0x7f {
				return fmt.Errorf("control character 0x%02x in line (binary file?)", c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Errorf("invalid UTF-8 byte 0x%02x in line", c)
		}
		i += size
	}
	return nil
}

// short bounds a quoted excerpt in a message.
func short(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
