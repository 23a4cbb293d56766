package unitfile

import (
	"bytes"
	"io"
)

// Write writes f as a unit file: each header line as a "# " comment, then
// each section and its entries in order, a blank line between sections.
// Values are written as they are: callers quote what they build (QuoteWord,
// ExecLine); values that came from Parse cannot hold a line break.
func Write(w io.Writer, header []string, f *File) error {
	_, err := w.Write(Bytes(header, f))
	return err
}

// Bytes returns what Write writes.
func Bytes(header []string, f *File) []byte {
	n := 0 // the size, so that the buffer is allocated once
	for _, h := range header {
		n += len(h) + 3
	}
	for _, s := range f.Sections {
		n += len(s.Name) + 4
		for _, e := range s.Entries {
			n += len(e.Key) + len(e.Value) + 2
		}
	}
	var b bytes.Buffer
	b.Grow(n)
	for _, h := range header {
		b.WriteString("# ")
		b.WriteString(h)
		b.WriteByte('\n')
	}
	for i, s := range f.Sections {
		if i > 0 || len(header) > 0 {
			b.WriteByte('\n')
		}
		b.WriteByte('[')
		b.WriteString(s.Name)
		b.WriteString("]\n")
		for _, e := range s.Entries {
			b.WriteString(e.Key)
			b.WriteByte('=')
			b.WriteString(e.Value)
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}
