// Package unitfile reads and writes systemd unit files (systemd.syntax(7)):
// sections, key=value entries, comments and continuation lines, and splits
// and quotes words the way systemd's Exec= and list settings do. It is pure:
// no I/O beyond the byte slices and writers it is handed.
package unitfile

import (
	"fmt"
	"slices"
)

// MaxSize is the largest unit file Parse accepts. systemd's own limit is one
// line of 1 MB; a source larger than that is never a hand-written unit.
const MaxSize = 1 << 20

// Entry is one key=value assignment. File and Line name where it was written,
// so a drop-in's entries keep pointing at the drop-in.
type Entry struct {
	Key, Value string
	File       string
	Line       int
}

// Section is a [Name] group of entries in file order.
type Section struct {
	Name    string
	File    string
	Line    int
	Entries []Entry
}

// File is a parsed unit file: its sections in first-appearance order. A
// section written twice is one Section, as systemd reads it.
type File struct {
	Path     string
	Sections []*Section
	Warnings []*Error // what Parse read but systemd or Quadlet would warn about
}

// Error is a diagnostic about a unit file, shaped like encoding/csv's
// ParseError: where (file, line; line 0 means the whole file) and why.
type Error struct {
	File string
	Line int
	Err  error
}

func (e *Error) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error at file:line.
func Errorf(file string, line int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Err: fmt.Errorf(format, args...)}
}

// Section returns the named section, or nil.
func (f *File) Section(name string) *Section {
	for _, s := range f.Sections {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Ensure returns the named section, appending an empty one when missing.
func (f *File) Ensure(name string) *Section {
	if s := f.Section(name); s != nil {
		return s
	}
	s := &Section{Name: name, File: f.Path}
	f.Sections = append(f.Sections, s)
	return s
}

// Add appends key=value to the named section (created when missing).
func (f *File) Add(section, key, value string) {
	s := f.Ensure(section)
	s.Entries = append(s.Entries, Entry{Key: key, Value: value})
}

// Merge appends other's sections and entries after f's, the way a drop-in
// applies: later assignments come later.
func (f *File) Merge(other *File) {
	for _, os := range other.Sections {
		s := f.Section(os.Name)
		if s == nil {
			s = &Section{Name: os.Name, File: os.File, Line: os.Line}
			f.Sections = append(f.Sections, s)
		}
		s.Entries = append(s.Entries, os.Entries...)
	}
	f.Warnings = append(f.Warnings, other.Warnings...)
}

// Clone returns a deep copy of f without the sections named in drop.
func (f *File) Clone(drop ...string) *File {
	c := &File{Path: f.Path, Sections: make([]*Section, 0, len(f.Sections)), Warnings: f.Warnings}
	for _, s := range f.Sections {
		if slices.Contains(drop, s.Name) {
			continue
		}
		cs := *s
		cs.Entries = slices.Clone(s.Entries)
		c.Sections = append(c.Sections, &cs)
	}
	return c
}

// Remove drops the named section.
func (f *File) Remove(name string) {
	out := f.Sections[:0]
	for _, s := range f.Sections {
		if s.Name != name {
			out = append(out, s)
		}
	}
	f.Sections = out
}

// Lookup returns the last entry for key, as systemd's "last one wins".
func (s *Section) Lookup(key string) (Entry, bool) {
	if s == nil {
		return Entry{}, false
	}
	for i := len(s.Entries) - 1; i >= 0; i-- {
		if s.Entries[i].Key == key {
			return s.Entries[i], true
		}
	}
	return Entry{}, false
}

// All returns every entry for key in order; an empty assignment resets the
// list, as it does for systemd's list settings.
func (s *Section) All(key string) []Entry {
	if s == nil {
		return nil
	}
	var out []Entry
	for _, e := range s.Entries {
		if e.Key != key {
			continue
		}
		if e.Value == "" {
			out = out[:0]
			continue
		}
		out = append(out, e)
	}
	return out
}
